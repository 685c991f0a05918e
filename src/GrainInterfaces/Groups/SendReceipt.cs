namespace Dist.GrainInterfaces.Groups;

/// <summary>
/// A send as the sender took it: numbered and persisted in the sender's outbox, from where it is handed to its
/// destination (the receipt says whether that already happened).
/// </summary>
[GenerateSerializer]
[Alias("Dist.Groups.SendReceipt")]
public sealed record SendReceipt(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Destination,
    [property: Id(2)] long SendSeq,
    [property: Id(3)] long FifoSeq,
    [property: Id(4)] string SenderSilo,
    [property: Id(5)] long SentAtTicks);
