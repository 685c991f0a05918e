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
    /// <summary>Ports a user may start something on by default while a drawn port is in use: Orleans' gateway, the Aspire dashboard's UI.</summary>
    private static readonly HashSet<int> DefaultPortsOfOurPrograms = [30000, 18888];

    private static readonly HashSet<int> HandedOutInThisProcess = [];

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

    /// <summary>
    /// A port free now on <paramref name="address"/> (loopback unless given), drawn at random from the range just below the
    /// system's ephemeral ports. Not one the system hands out itself: those come from the ephemeral range, which is also
    /// where every outgoing connection's source port comes from, so between this probe and the caller's bind any process's
    /// connection could take it (CI saw a silo refused its port 36143 that way while other tests ran beside it).
    /// </summary>
    public static int Free(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        var (low, high) = DrawRange;
        for (var attempt = 0; attempt < 1_000 && low < high; attempt++)
        {
            var port = Random.Shared.Next(low, high + 1);
            if (!DefaultPortsOfOurPrograms.Contains(port) && IsFree(address, port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free port that is not in <paramref name="taken"/>, which it is added to: for several ports chosen before any is
    /// bound (a silo's and its gateway's), since two draws (or the system's fallback) may give the same free port.
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

    /// <summary>
    /// A free loopback port never handed out before by this method in this process: for test processes that start many
    /// servers over their life, each choosing its ports before it binds them.
    /// </summary>
    public static int FreeNeverHandedOut()
    {
        lock (HandedOutInThisProcess)
        {
            return Free(HandedOutInThisProcess);
        }
    }

    /// <summary>
    /// The ports <see cref="Free(IPAddress?)"/> draws from, read once per process: the 16,384 below the ephemeral range
    /// (16384-32767 with Linux's default 32768-60999), else below IANA's 49152 where the range cannot be read. An empty
    /// range (a system whose ephemeral range starts very low) leaves the choice to the system.
    /// </summary>
    public static (int Low, int High) DrawRange { get; } = ReadDrawRange();

    private static (int Low, int High) ReadDrawRange()
    {
        var ephemeralLow = 49152;
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && int.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                ephemeralLow = parsed;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // not Linux, or no /proc: IANA's range is what Windows and macOS use
        }

        var high = ephemeralLow - 1;
        return (Math.Max(1024, ephemeralLow - 16_384), high);
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
