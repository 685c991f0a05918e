namespace Dist.GrainInterfaces.Groups;

/// <summary>
/// Messages of one destination for one member, in the destination's order, with what the receiver needs to know where its
/// sequences start: the membership epoch and the destination's counters when the member joined.
/// </summary>
[GenerateSerializer]
[Alias("Dist.Groups.DeliveryBatch")]
public sealed class DeliveryBatch
{
    [Id(0)] public string Destination { get; set; } = "";

    /// <summary>Which membership of the member this belongs to (a leave and a re-join start a new epoch).</summary>
    [Id(1)] public int Epoch { get; set; }

    /// <summary>The destination's last total sequence number when the member joined: it expects the next one first.</summary>
    [Id(2)] public long JoinedAtTotalSeq { get; set; }

    /// <summary>Each sender's last fifo sequence number accepted by the destination when the member joined.</summary>
    [Id(3)] public Dictionary<string, long> JoinedAtFifoSeqs { get; set; } = [];

    [Id(4)] public List<GroupMessage> Messages { get; set; } = [];
}
