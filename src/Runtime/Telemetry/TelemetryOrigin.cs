using OrleansDist.Runtime.Messaging;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// Where spans and measurements are made: a silo (<c>orleansdist.silo</c> = its name) or a cluster client
/// (<c>orleansdist.client</c> = its id). Several silos and clients can share a process (TestCluster, the embedded cluster),
/// so the process-wide sources and meter alone would not say which one did the work.
/// </summary>
internal sealed class TelemetryOrigin
{
    private TelemetryOrigin(string key, string value) => Tag = new KeyValuePair<string, object?>(key, value);

    /// <summary>The tag, built once, so recording it allocates nothing.</summary>
    public KeyValuePair<string, object?> Tag { get; }

    public static TelemetryOrigin ForSilo(string siloName) => new(RuntimeTelemetry.SiloTag, siloName);

    public static TelemetryOrigin ForClient(string clientId) => new(RuntimeTelemetry.ClientTag, clientId);

    /// <summary>The origin of a connection's own side, from the handshake it sent.</summary>
    public static TelemetryOrigin For(Handshake local) => local.Role == ConnectionRole.Client ? ForClient(local.Identity) : ForSilo(local.Name);

    public override string ToString() => $"{Tag.Key}={Tag.Value}";
}
