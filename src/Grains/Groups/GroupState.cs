using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>What a group keeps in grain storage: membership, sequencer counters and the outbox of messages not yet delivered to every member.</summary>
[GenerateSerializer, Alias("OrleansDist.Groups.GroupState")]
public sealed class GroupState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public Dictionary<string, GroupMembership> Members { get; set; } = [];

    /// <summary>Outbox position of the last accepted message (1, 2, ... over every message the group accepted).</summary>
    [Id(2)]
    public long LastIndex { get; set; }

    /// <summary>The sequencer: the last total sequence number handed out.</summary>
    [Id(3)]
    public long LastTotalSeq { get; set; }

    /// <summary>Per sender, the last send sequence number accepted (sends are accepted in order, once).</summary>
    [Id(4)]
    public Dictionary<string, long> LastSendSeq { get; set; } = [];

    /// <summary>Per sender, the last fifo sequence number accepted (a joining member's fifo streams start after these).</summary>
    [Id(5)]
    public Dictionary<string, long> LastFifoSeq { get; set; } = [];

    /// <summary>Accepted messages some member has not acknowledged yet, in outbox order.</summary>
    [Id(6)]
    public List<OutboxEntry> Outbox { get; set; } = [];

    /// <summary>Memberships handed out so far (each join gets the next epoch).</summary>
    [Id(7)]
    public int LastEpoch { get; set; }
}

[GenerateSerializer, Alias("OrleansDist.Groups.GroupMembership")]
public sealed class GroupMembership
{
    [Id(0)]
    public int Epoch { get; set; }

    /// <summary>The outbox position when it joined: it gets the messages after it.</summary>
    [Id(1)]
    public long JoinedAtIndex { get; set; }

    [Id(2)]
    public long JoinedAtTotalSeq { get; set; }

    [Id(3)]
    public Dictionary<string, long> JoinedAtFifoSeqs { get; set; } = [];

    /// <summary>The member acknowledged (persisted) every message up to this outbox position.</summary>
    [Id(4)]
    public long AckedIndex { get; set; }
}

[GenerateSerializer, Alias("OrleansDist.Groups.OutboxEntry")]
public sealed class OutboxEntry
{
    [Id(0)]
    public long Index { get; set; }

    [Id(1)]
    public GroupMessage Message { get; set; } = new();
}
