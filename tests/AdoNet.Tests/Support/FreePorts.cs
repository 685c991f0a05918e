using System.Net;
using System.Net.Sockets;

namespace OrleansDist.AdoNet.Tests.Support;

internal static class FreePorts
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>
    /// A loopback TCP port nothing listens on right now (the OS picks it), never handed out before by this test process:
    /// the OS may report the same free port to two asks in a row (a silo's and its gateway's).
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
