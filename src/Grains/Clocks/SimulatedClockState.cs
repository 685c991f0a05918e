namespace OrleansDist.Grains.Clocks;

/// <summary>
/// The persisted form of a <see cref="SimulatedClock"/>: at real time <see cref="AnchorUnixTicks"/> the clock was
/// <see cref="OffsetSeconds"/> ahead of real time and still had <see cref="PendingSlewSeconds"/> to slew.
/// </summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.SimulatedClockState")]
public sealed record SimulatedClockState
{
    [Id(0)] public long AnchorUnixTicks { get; init; }

    [Id(1)] public double OffsetSeconds { get; init; }

    [Id(2)] public double PendingSlewSeconds { get; init; }

    [Id(3)] public double DriftPpm { get; init; }

    [Id(4)] public double MaxSlewPpm { get; init; } = 2000;

    [Id(5)] public double StepThresholdSeconds { get; init; } = 0.128;
}
