using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>What a member keeps in grain storage: its delivery log, its receiving side, and its sending side.</summary>
[GenerateSerializer, Alias("OrleansDist.Groups.MemberState")]
public sealed class MemberState
{
    /// <summary>Delivered messages in delivery order (each message id once).</summary>
    [Id(0)]
    public List<LogEntry> Log { get; set; } = [];

    [Id(1)]
    public InboxState Inbox { get; set; } = new();

    [Id(2)]
    public SenderState Sender { get; set; } = new();

    /// <summary>Joined the <c>all</c> group.</summary>
    [Id(3)]
    public bool Registered { get; set; }
}

[GenerateSerializer, Alias("OrleansDist.Groups.SenderState")]
public sealed class SenderState
{
    /// <summary>Per destination, the last send sequence number used.</summary>
    [Id(0)]
    public Dictionary<string, long> LastSendSeq { get; set; } = [];

    /// <summary>Per destination, the last fifo sequence number used.</summary>
    [Id(1)]
    public Dictionary<string, long> LastFifoSeq { get; set; } = [];

    /// <summary>Sends not yet accepted by their destination, in send order.</summary>
    [Id(2)]
    public List<GroupMessage> Outbox { get; set; } = [];
}
