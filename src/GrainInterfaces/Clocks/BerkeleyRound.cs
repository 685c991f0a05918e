namespace Dist.GrainInterfaces.Clocks;

/// <summary>One clock in one round: what the master estimated, whether it counted, and the correction it was sent.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockPoll")]
public sealed record ClockPoll
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public string Silo { get; init; } = "";

    /// <summary>False when the clock did not answer within the poll timeout (left out of the round).</summary>
    [Id(2)] public bool Answered { get; init; }

    /// <summary>The clock minus the master's clock, RTT-compensated, ms.</summary>
    [Id(3)] public double EstimatedOffsetMs { get; init; }

    /// <summary>Round trip of the sample kept, ms.</summary>
    [Id(4)] public double RoundTripMs { get; init; }

    /// <summary>Within the threshold of the median, so part of the average.</summary>
    [Id(5)] public bool Included { get; init; }

    [Id(6)] public double? CorrectionMs { get; init; }

    [Id(7)] public AdjustOutcome? Outcome { get; init; }

    /// <summary>A TCP slave of <c>clock serve</c> rather than a grain.</summary>
    [Id(8)] public bool External { get; init; }

    /// <summary>
    /// The correction was no larger than the reading's own error bound (RTT/2), so it was not sent: it would be noise.
    /// </summary>
    [Id(9)] public bool WithinBound { get; init; }
}

/// <summary>A Berkeley round.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.BerkeleyRound")]
public sealed record BerkeleyRound
{
    [Id(0)] public int Round { get; init; }

    [Id(1)] public long StartedAtUnixMs { get; init; }

    [Id(2)] public required ClockPoll[] Polls { get; init; }

    /// <summary>The fault-tolerant average, relative to the master's clock, ms.</summary>
    [Id(3)] public double AverageMs { get; init; }

    /// <summary>The median reading, relative to the master's clock, ms.</summary>
    [Id(4)] public double MedianMs { get; init; }

    [Id(5)] public double MasterCorrectionMs { get; init; }

    [Id(6)] public double DurationMs { get; init; }
}

/// <summary>Every clock's true offset at one instant (the start of a round, before its polls).</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.OffsetSnapshot")]
public sealed record OffsetSnapshot
{
    /// <summary>Rounds completed before it was taken (0 = before any).</summary>
    [Id(0)] public int AfterRound { get; init; }

    [Id(1)] public long AtUnixMs { get; init; }

    [Id(2)] public required ClockOffset[] Offsets { get; init; }
}

/// <summary>A clock's true offset (reading minus the host's real time), or none when it did not answer.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockOffset")]
public sealed record ClockOffset
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public string Silo { get; init; } = "";

    [Id(2)] public double? OffsetMs { get; init; }

    [Id(3)] public int Activations { get; init; }

    [Id(4)] public int Corrections { get; init; }

    [Id(5)] public bool External { get; init; }
}

/// <summary>The master's state as a client sees it.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.BerkeleyStatus")]
public sealed record BerkeleyStatus
{
    [Id(0)] public BerkeleyConfig? Config { get; init; }

    [Id(1)] public required BerkeleyRound[] Rounds { get; init; }

    [Id(2)] public required OffsetSnapshot[] Snapshots { get; init; }

    [Id(3)] public bool Finished { get; init; }

    [Id(4)] public string MasterSilo { get; init; } = "";

    /// <summary>Where each clock was placed at start.</summary>
    [Id(5)] public string[] Placement { get; init; } = [];
}
