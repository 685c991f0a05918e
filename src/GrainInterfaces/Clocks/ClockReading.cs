namespace Dist.GrainInterfaces.Clocks;

/// <summary>What a clock shows, in 100 ns ticks since the Unix epoch (UTC), and where it was read.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockReading")]
public readonly record struct ClockReading([property: Id(0)] long UnixTicks, [property: Id(1)] string Silo);
