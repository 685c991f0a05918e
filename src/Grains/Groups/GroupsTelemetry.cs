using System.Diagnostics;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// Spans of group communication: each send starts a <c>multicast</c> span (the root of its own trace) whose traceparent
/// travels with the message, and each delivery into a member's log is a <c>deliver</c> span under it, so one multicast
/// is one trace with a span per delivery, whichever batch carried it.
/// </summary>
public static class GroupsTelemetry
{
    public const string SourceName = "OrleansDist.Grains.Groups";

    internal static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>A new trace for one multicast (not a child of whatever span the caller had: one trace per multicast).</summary>
    internal static Activity? StartMulticast(string sender, string destination, string order)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity($"multicast {destination}", ActivityKind.Producer, parentContext: default,
            links: previous is null ? null : [new ActivityLink(previous.Context)]);
        activity?.SetTag("orleansdist.group.sender", sender);
        activity?.SetTag("orleansdist.group.destination", destination);
        activity?.SetTag("orleansdist.group.order", order);
        if (activity is null)
        {
            Activity.Current = previous;
        }

        return activity;
    }

    /// <summary>A delivery span under the message's multicast span.</summary>
    internal static Activity? StartDelivery(string? traceParent, string member)
    {
        ActivityContext parent = default;
        if (traceParent is not null)
        {
            _ = ActivityContext.TryParse(traceParent, null, out parent);
        }

        var activity = Source.StartActivity("deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("orleansdist.group.member", member);
        return activity;
    }
}
