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

    /// <summary>Listening sockets per server (<see cref="ListenShared"/>): 4 accept queues hold 10,000 connections arriving at once.</summary>
    public const int DefaultListeners = 4;

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

    /// <summary>
    /// <paramref name="count"/> listeners on one port (SO_REUSEPORT; the kernel spreads new connections over them), each
    /// with its own accept queue: one queue holds at most net.core.somaxconn connections (4096 here), and 10,000 clients
    /// connecting at once overflow it; a dropped connection attempt costs its client a SYN retransmission a second later.
    /// </summary>
    public static List<Socket> ListenShared(IPEndPoint endpoint, int count, int backlog = DefaultBacklog)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var sockets = new List<Socket>();
        try
        {
            var first = Listen(endpoint, backlog, reusePort: true);
            sockets.Add(first);
            var bound = (IPEndPoint)first.LocalEndPoint!;
            while (sockets.Count < count)
            {
                sockets.Add(Listen(bound, backlog, reusePort: true));
            }

            return sockets;
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }
    }

    /// <summary>Sends a whole reply line (the text and <c>\n</c>).</summary>
    public static byte[] Encode(string line) => System.Text.Encoding.UTF8.GetBytes(line + "\n");
}
