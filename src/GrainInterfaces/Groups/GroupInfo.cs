namespace Dist.GrainInterfaces.Groups;

/// <summary>A group's membership and outbox.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.GroupInfo")]
public sealed record GroupInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Exists,
    [property: Id(2)] IReadOnlyList<string> Members,
    [property: Id(3)] long Accepted,
    [property: Id(4)] long LastTotalSeq,
    [property: Id(5)] int PendingMessages,
    [property: Id(6)] long PendingDeliveries,
    [property: Id(7)] string Silo);
