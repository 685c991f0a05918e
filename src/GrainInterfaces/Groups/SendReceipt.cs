namespace Dist.GrainInterfaces.Groups;

/// <summary>A send as the sender saw it: handed to the destination's outbox, or still queued at the sender.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.SendReceipt")]
public sealed record SendReceipt(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Destination,
    [property: Id(2)] long SendSeq,
    [property: Id(3)] long FifoSeq,
    [property: Id(4)] long TotalSeq,
    [property: Id(5)] bool HandedOff,
    [property: Id(6)] int Members,
    [property: Id(7)] string SenderSilo);
