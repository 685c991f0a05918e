namespace Dist.GrainInterfaces.Clocks;

/// <summary>A correction the clock is told to apply (its own, not an absolute time).</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockCorrection")]
public sealed record ClockCorrection
{
    [Id(0)] public double DeltaSeconds { get; init; }

    [Id(1)] public AdjustMode Mode { get; init; }

    /// <summary>Berkeley round that sent it (0 for Cristian).</summary>
    [Id(2)] public int Round { get; init; }
}

/// <summary>What the clock did with a correction.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.AdjustOutcome")]
public enum AdjustOutcome
{
    Stepped = 0,
    Slewed = 1,

    /// <summary>A faulty clock recorded it but cannot apply it.</summary>
    Recorded = 2,
}
