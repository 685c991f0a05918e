using System.Diagnostics;
using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// Spans of an election: one per protocol message (sender, receiver, type, delivered) and one per heartbeat, all in the
/// run's trace (the client's root span, whose traceparent every node gets in its setup), so one election is one trace
/// even when a timer, not a call, sends the message.
/// </summary>
public static class ElectionTelemetry
{
    public const string SourceName = "OrleansDist.Grains.Election";

    internal static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>The root span of one election run (in the client): its traceparent goes to every node.</summary>
    public static Activity? StartRun(ElectionAlgorithm algorithm, string runId, int nodes)
    {
        var activity = Source.StartActivity($"election {algorithm.ToString().ToLowerInvariant()}", ActivityKind.Internal);
        activity?.SetTag("election.run", runId);
        activity?.SetTag("election.algorithm", algorithm.ToString().ToLowerInvariant());
        activity?.SetTag("election.nodes", nodes);
        return activity;
    }

    /// <summary>A span under the current one when that belongs to the run's trace, else directly under the run's root.</summary>
    internal static Activity? StartInRun(string name, ActivityKind kind, string? runTraceParent)
    {
        if (runTraceParent is null || !ActivityContext.TryParse(runTraceParent, null, out var root))
        {
            return Source.StartActivity(name, kind);
        }

        return Activity.Current is { } current && current.TraceId == root.TraceId
            ? Source.StartActivity(name, kind)
            : Source.StartActivity(name, kind, root);
    }

    internal static Activity? StartMessage(ElectionMessageKind kind, int from, int to, string runId, string? runTraceParent)
    {
        var type = ElectionRules.Name(kind);
        var activity = StartInRun($"{type} {from}→{to}", ActivityKind.Producer, runTraceParent);
        activity?.SetTag("election.run", runId);
        activity?.SetTag("election.sender", from);
        activity?.SetTag("election.receiver", to);
        activity?.SetTag("election.type", type);
        return activity;
    }
}
