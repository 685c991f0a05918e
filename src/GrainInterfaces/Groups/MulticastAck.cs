namespace Dist.GrainInterfaces.Groups;

/// <summary>What a group answers a sender: the message is persisted in its outbox (or was already), or it came out of order.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.MulticastAck")]
public sealed record MulticastAck(
    [property: Id(0)] MulticastOutcome Outcome,
    [property: Id(1)] long ExpectedSendSeq,
    [property: Id(2)] long TotalSeq,
    [property: Id(3)] int Members);

[GenerateSerializer]
[Alias("Dist.Groups.MulticastOutcome")]
public enum MulticastOutcome
{
    /// <summary>Persisted in the group's outbox: every member will get it.</summary>
    Accepted = 0,

    /// <summary>Already accepted earlier (a retry).</summary>
    Duplicate = 1,

    /// <summary>The sender skipped a send sequence number; <see cref="MulticastAck.ExpectedSendSeq"/> says which comes next.</summary>
    OutOfOrder = 2,
}
