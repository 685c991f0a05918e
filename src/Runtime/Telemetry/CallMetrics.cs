using System.Diagnostics;
using OrleansDist.Runtime.Serialization;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// Records the call instruments of <see cref="RuntimeTelemetry"/>. Each method first checks that its instrument is enabled:
/// with no MeterListener the cost is one field read, and the tag list (a stack struct) is never built.
/// </summary>
internal static class CallMetrics
{
    /// <summary>When a call starts: a timestamp if its duration will be recorded, else 0 (no clock read).</summary>
    public static long StartTimestamp() => RuntimeTelemetry.CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>A call this process made has ended (or, one-way, was sent).</summary>
    public static void CallMade(TelemetryOrigin origin, MethodDescriptor method, string outcome, long startTimestamp)
    {
        if (RuntimeTelemetry.CallsMade.Enabled)
        {
            var tags = Tags(origin, method.InterfaceName, method.MethodName, outcome);
            RuntimeTelemetry.CallsMade.Add(1, in tags);
        }

        // a listener that subscribed while the call was in flight has no start time for it: skip rather than guess
        if (startTimestamp != 0 && RuntimeTelemetry.CallDuration.Enabled)
        {
            var tags = Tags(origin, method.InterfaceName, method.MethodName, outcome);
            RuntimeTelemetry.CallDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, in tags);
        }
    }

    public static void CallTimedOut(TelemetryOrigin origin, MethodDescriptor method)
    {
        if (RuntimeTelemetry.CallTimeouts.Enabled)
        {
            var tags = new TagList
            {
                { RuntimeTelemetry.RpcSystemTag, RuntimeTelemetry.RpcSystem },
                { RuntimeTelemetry.RpcServiceTag, method.InterfaceName },
                { RuntimeTelemetry.RpcMethodTag, method.MethodName },
                origin.Tag,
            };
            RuntimeTelemetry.CallTimeouts.Add(1, in tags);
        }
    }

    /// <summary>A call this process ran has ended. The names are the message's own when it named no known method.</summary>
    public static void CallReceived(TelemetryOrigin origin, string service, string method, string outcome)
    {
        if (RuntimeTelemetry.CallsReceived.Enabled)
        {
            var tags = Tags(origin, service, method, outcome);
            RuntimeTelemetry.CallsReceived.Add(1, in tags);
        }
    }

    private static TagList Tags(TelemetryOrigin origin, string service, string method, string outcome) => new()
    {
        { RuntimeTelemetry.RpcSystemTag, RuntimeTelemetry.RpcSystem },
        { RuntimeTelemetry.RpcServiceTag, service },
        { RuntimeTelemetry.RpcMethodTag, method },
        { RuntimeTelemetry.OutcomeTag, outcome },
        origin.Tag,
    };
}
