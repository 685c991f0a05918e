namespace Dist.GrainInterfaces.Groups;

/// <summary>A member's log length, groups and sender outbox.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.MemberInfo")]
public sealed record MemberInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] long Delivered,
    [property: Id(2)] int HeldBack,
    [property: Id(3)] int OutboxPending,
    [property: Id(4)] string Silo);
