namespace Dist.GrainInterfaces.Groups;

/// <summary>One message sent to a group, to every member (<c>all</c>) or to one member (<c>member:N</c>).</summary>
[GenerateSerializer]
[Alias("Dist.Groups.GroupMessage")]
public sealed class GroupMessage
{
    /// <summary>Unique id; members deduplicate by it (exactly once in the log).</summary>
    [Id(0)] public string MessageId { get; set; } = "";

    /// <summary>The sending member.</summary>
    [Id(1)] public string Sender { get; set; } = "";

    /// <summary>The group name, <c>all</c>, or <c>member:N</c>.</summary>
    [Id(2)] public string Destination { get; set; } = "";

    [Id(3)] public DeliveryOrder Order { get; set; }

    /// <summary>1, 2, ... per sender and destination over every send: the group accepts each sender's sends in this order, once.</summary>
    [Id(4)] public long SendSeq { get; set; }

    /// <summary>For <see cref="DeliveryOrder.Fifo"/>: 1, 2, ... per sender and destination over its fifo sends; else 0.</summary>
    [Id(5)] public long FifoSeq { get; set; }

    /// <summary>For <see cref="DeliveryOrder.Total"/>: 1, 2, ... assigned by the destination's sequencer; else 0.</summary>
    [Id(6)] public long TotalSeq { get; set; }

    [Id(7)] public string Text { get; set; } = "";

    /// <summary>UTC ticks when the sender accepted the send (delivery latency is measured from here).</summary>
    [Id(8)] public long SentAtTicks { get; set; }

    /// <summary>W3C traceparent of the multicast's span: every delivery's span joins that trace.</summary>
    [Id(9)] public string? TraceParent { get; set; }
}
