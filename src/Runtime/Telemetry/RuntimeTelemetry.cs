using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// The runtime's ActivitySources and Meter. Spans exist only when a listener (OpenTelemetry) subscribes to them:
/// <see cref="RuntimeSourceName"/> for runtime work, <see cref="ApplicationSourceName"/> for grain calls.
/// </summary>
public static class RuntimeTelemetry
{
    public const string RuntimeSourceName = "OrleansDist.Runtime";
    public const string ApplicationSourceName = "OrleansDist.Application";
    public const string MeterName = "OrleansDist";

    internal static readonly ActivitySource Runtime = new(RuntimeSourceName, "1.0");
    internal static readonly ActivitySource Application = new(ApplicationSourceName, "1.0");
    internal static readonly Meter Meter = new(MeterName, "1.0");

    internal static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("orleansdist.messages.sent", "{message}", "Messages queued for sending");
    internal static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("orleansdist.messages.received", "{message}", "Messages decoded from connections");
    internal static readonly Counter<long> CallTimeouts = Meter.CreateCounter<long>("orleansdist.calls.timeouts", "{call}", "Calls that got no response in time");
    internal static readonly UpDownCounter<long> Activations = Meter.CreateUpDownCounter<long>("orleansdist.activations", "{activation}", "Live grain activations");
    internal static readonly Counter<long> MalformedFrames = Meter.CreateCounter<long>("orleansdist.connections.bad_input", "{connection}", "Connections closed for malformed input");
}
