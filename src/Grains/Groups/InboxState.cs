using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>A member's receiving side as persisted: per destination, its membership epoch and the sequences expected next, and what is held back.</summary>
[GenerateSerializer, Alias("OrleansDist.Groups.InboxState")]
public sealed class InboxState
{
    [Id(0)]
    public Dictionary<string, InboxSubscription> Subscriptions { get; set; } = [];

    /// <summary>Messages received but not yet deliverable (a gap before them), in arrival order.</summary>
    [Id(1)]
    public List<GroupMessage> HeldBack { get; set; } = [];
}

[GenerateSerializer, Alias("OrleansDist.Groups.InboxSubscription")]
public sealed class InboxSubscription
{
    [Id(0)]
    public int Epoch { get; set; }

    [Id(1)]
    public long NextTotalSeq { get; set; } = 1;

    /// <summary>Per sender, the fifo sequence number expected next (absent: the one after the join snapshot, or 1).</summary>
    [Id(2)]
    public Dictionary<string, long> NextFifoSeq { get; set; } = [];

    [Id(3)]
    public Dictionary<string, long> JoinedAtFifoSeqs { get; set; } = [];
}
