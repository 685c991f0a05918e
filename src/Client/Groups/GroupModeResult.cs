using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>One ordering mode's run of <c>experiment group</c>.</summary>
internal sealed record GroupModeResult(
    DeliveryOrder Order,
    int Messages,
    long ExpectedDeliveries,
    long Deliveries,
    double SendSeconds,
    double Seconds,
    LatencySummary Latency,
    GuaranteeReport Check)
{
    /// <summary>Messages sent ÷ time from the first send to the last delivery.</summary>
    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;

    public double DeliveriesPerSecond => Seconds > 0 ? Deliveries / Seconds : 0;
}
