using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// The runtime's ActivitySources and Meter. Spans exist only when a listener (OpenTelemetry) subscribes to them:
/// <see cref="RuntimeSourceName"/> for runtime work, <see cref="ApplicationSourceName"/> for grain calls. Instruments
/// record only while a MeterListener has enabled them; every call site checks <c>Enabled</c> first, so an unobserved
/// runtime builds no tag lists.
/// </summary>
public static class RuntimeTelemetry
{
    public const string RuntimeSourceName = "OrleansDist.Runtime";
    public const string ApplicationSourceName = "OrleansDist.Application";
    public const string MeterName = "OrleansDist";

    // tag names: the OpenTelemetry RPC semantic conventions where they exist, orleansdist.* for the rest
    public const string RpcSystemTag = "rpc.system";
    public const string RpcServiceTag = "rpc.service";
    public const string RpcMethodTag = "rpc.method";
    public const string GrainIdTag = "orleansdist.grain_id";
    public const string SiloTag = "orleansdist.silo";
    public const string ClientTag = "orleansdist.client";
    public const string OutcomeTag = "orleansdist.outcome";
    public const string SiloStatusTag = "orleansdist.silo.status";

    /// <summary>The value of <see cref="RpcSystemTag"/>.</summary>
    public const string RpcSystem = "orleansdist";

    /// <summary>Values of <see cref="OutcomeTag"/>.</summary>
    public const string OutcomeOk = "ok";
    public const string OutcomeError = "error";
    public const string OutcomeTimeout = "timeout";

    /// <summary>A one-way call: it has no response, so it is counted when sent and has no duration.</summary>
    public const string OutcomeOneWay = "oneway";

    internal static readonly ActivitySource Runtime = new(RuntimeSourceName, "1.0");
    internal static readonly ActivitySource Application = new(ApplicationSourceName, "1.0");
    internal static readonly Meter Meter = new(MeterName, "1.0");

    internal static readonly Counter<long> CallsMade = Meter.CreateCounter<long>(
        "orleansdist.calls.made", "{call}", "Calls made (grain, system and observer calls), counted when they end; tags rpc.service, rpc.method, orleansdist.outcome");

    internal static readonly Counter<long> CallsReceived = Meter.CreateCounter<long>(
        "orleansdist.calls.received", "{call}", "Calls run by this process, counted when they end; tags rpc.service, rpc.method, orleansdist.outcome");

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram(
        "orleansdist.call.duration", "s", "Duration of two-way calls measured at the caller, from sending to the response (or failure)",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            // the default boundaries are for milliseconds; calls take from tens of microseconds to the response timeout
            HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    internal static readonly Counter<long> CallTimeouts = Meter.CreateCounter<long>("orleansdist.calls.timeouts", "{call}", "Calls that got no response in time");
    internal static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("orleansdist.messages.sent", "{message}", "Messages written to connections");
    internal static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("orleansdist.messages.received", "{message}", "Messages decoded from connections");
    internal static readonly UpDownCounter<long> Activations = Meter.CreateUpDownCounter<long>("orleansdist.activations", "{activation}", "Live grain activations");
    internal static readonly Counter<long> MalformedFrames = Meter.CreateCounter<long>("orleansdist.connections.bad_input", "{connection}", "Connections closed for malformed input");

    internal static readonly Counter<long> MembershipChanges = Meter.CreateCounter<long>(
        "orleansdist.membership.changes", "{change}", "Silo status changes seen in this silo's membership view (a silo seen for the first time counts as a change to its status)");
}
