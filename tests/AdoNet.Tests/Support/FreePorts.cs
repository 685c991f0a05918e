using System.Net;
using System.Net.Sockets;

namespace OrleansDist.AdoNet.Tests.Support;

internal static class FreePorts
{
    /// <summary>A loopback TCP port nothing listens on right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
