using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Telemetry;

/// <summary>
/// Whether a local TCP port is free, and a free one when it is not: for the ports our programs open beside Orleans' own
/// (dashboards, embedded silos). Here because this is the one project every program references. A probe only tells the
/// state at that moment; another process may still take the port before it is bound.
/// </summary>
public static class LocalPorts
{
    /// <summary>True when nothing listens on <paramref name="address"/>:<paramref name="port"/>; else why not.</summary>
    public static bool IsFree(IPAddress address, int port, out SocketError error)
    {
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            error = SocketError.Success;
            return true;
        }
        catch (SocketException ex)
        {
            error = ex.SocketErrorCode;
            return false;
        }
    }

    public static bool IsFree(IPAddress address, int port) => IsFree(address, port, out _);

    /// <summary>A port the operating system reports free on <paramref name="address"/> (loopback unless given).</summary>
    public static int Free(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free port that is not in <paramref name="taken"/>, which it is added to: for several ports chosen before any is
    /// bound (a silo's and its gateway's), since the system may report the same free port to two asks in a row.
    /// </summary>
    public static int Free(ISet<int> taken, IPAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(taken);
        while (true)
        {
            var port = Free(address);
            if (taken.Add(port))
            {
                return port;
            }
        }
    }

    /// <summary><paramref name="preferred"/> when it is a valid port and free on loopback, else a free one.</summary>
    public static int PreferredOrFree(int preferred) =>
        preferred is > 0 and <= IPEndPoint.MaxPort && IsFree(IPAddress.Loopback, preferred) ? preferred : Free();

    /// <summary>
    /// <see cref="PreferredOrFree(int)"/>, but not a port in <paramref name="taken"/> (a free one instead), and added to it.
    /// </summary>
    public static int PreferredOrFree(int preferred, ISet<int> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var port = PreferredOrFree(preferred);
        return taken.Add(port) ? port : Free(taken);
    }
}
