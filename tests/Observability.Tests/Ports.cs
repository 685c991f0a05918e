using System.Net;
using System.Net.Sockets;
using OrleansDist.Telemetry;

namespace OrleansDist.Observability.Tests;

/// <summary>Loopback ports for tests: free ones, and ones held busy on purpose.</summary>
public static class Ports
{
    /// <summary>A port free now, and never handed out before in this test process (two draws may give the same free port).</summary>
    public static int Free() => LocalPorts.FreeNeverHandedOut();

    /// <summary>
    /// Listens on 127.0.0.1:<paramref name="port"/> so that nobody else can; null when someone already does (the port is
    /// in use either way).
    /// </summary>
    public static TcpListener? Hold(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }

    /// <summary>Holds a free port and says which.</summary>
    public static TcpListener HoldFree(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
