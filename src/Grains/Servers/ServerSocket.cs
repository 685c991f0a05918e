using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Grains.Servers;

/// <summary>Listening sockets for the task servers: a deep accept queue, and optionally SO_REUSEPORT so several listeners (silos) share a port.</summary>
public static class ServerSocket
{
    /// <summary>
    /// Asked of listen(); Linux caps it at net.core.somaxconn (4096 here). Thousands of clients connect at once: a short
    /// queue would drop their SYNs and cost them a one-second retransmission.
    /// </summary>
    public const int DefaultBacklog = 65535;

    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public static Socket Listen(IPEndPoint endpoint, int backlog = DefaultBacklog, bool reusePort = false)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (reusePort)
            {
                if (!OperatingSystem.IsLinux())
                {
                    throw new PlatformNotSupportedException("SO_REUSEPORT (several listeners on one port) is used on Linux only");
                }

                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }

            socket.Bind(endpoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a whole reply line (the text and <c>\n</c>).</summary>
    public static byte[] Encode(string line) => System.Text.Encoding.UTF8.GetBytes(line + "\n");
}
