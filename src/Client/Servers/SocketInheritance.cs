using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansDist.Client.Servers;

/// <summary>
/// .NET cannot fork, and opens every socket close-on-exec. To give child processes the listening socket (as a pre-forking
/// server does), the parent clears FD_CLOEXEC on it before starting them: each child then holds the same socket under
/// the same descriptor number and accepts from it; the kernel hands every connection to exactly one waiting child.
/// </summary>
internal static partial class SocketInheritance
{
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloexec = 1;

    /// <summary>Makes <paramref name="socket"/> survive exec into the children started afterwards; returns its descriptor.</summary>
    public static int Inherit(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the process design hands its listening socket to worker processes, which is done on Linux only");
        }

        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var flags = Fcntl(fd, FGetFd, 0);
        if (flags < 0 || Fcntl(fd, FSetFd, flags & ~FdCloexec) < 0)
        {
            throw new InvalidOperationException($"fcntl(FD_CLOEXEC) failed on descriptor {fd}: errno {Marshal.GetLastPInvokeError()}");
        }

        return fd;
    }

    /// <summary>The listening socket a parent handed down as descriptor <paramref name="fd"/>.</summary>
    public static Socket Adopt(int fd)
    {
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        if (socket.SocketType != SocketType.Stream)
        {
            throw new InvalidOperationException($"descriptor {fd} is not a stream socket");
        }

        return socket;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
