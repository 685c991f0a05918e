using OrleansDist.Telemetry;

namespace OrleansDist.AdoNet.Tests.Support;

internal static class FreePorts
{
    /// <summary>
    /// A loopback TCP port nothing listens on right now, outside the ephemeral range (see <see cref="LocalPorts.Free(System.Net.IPAddress?)"/>),
    /// never handed out before by this test process: a silo's and its gateway's are chosen before either is bound.
    /// </summary>
    public static int Next() => LocalPorts.FreeNeverHandedOut();
}
