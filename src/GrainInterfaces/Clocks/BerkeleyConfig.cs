namespace Dist.GrainInterfaces.Clocks;

/// <summary>One clock the master keeps in step, and how it misbehaves.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.BerkeleyClock")]
public sealed record BerkeleyClock([property: Id(0)] string Name, [property: Id(1)] ClockSettings Settings);

/// <summary>A Berkeley system: the master (the testing lab's clock) and the clocks it polls each round.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.BerkeleyConfig")]
public sealed record BerkeleyConfig
{
    [Id(0)] public required BerkeleyClock[] Clocks { get; init; }

    /// <summary>The master's own clock.</summary>
    [Id(1)] public ClockSettings Master { get; init; } = new();

    [Id(2)] public int PeriodMs { get; init; } = 1000;

    /// <summary>Readings farther than this from the median are left out of the average.</summary>
    [Id(3)] public double ThresholdMs { get; init; } = 10;

    /// <summary>Rounds to run; 0 = until stopped.</summary>
    [Id(4)] public int Rounds { get; init; } = 10;

    /// <summary>Polls per clock per round at least; the one with the smallest round trip is kept.</summary>
    [Id(5)] public int SamplesPerPoll { get; init; } = 3;

    /// <summary>
    /// While the best round trip so far is longer than <see cref="GoodRoundTripMs"/>, the master polls again, up to
    /// this many polls (a busy machine delays some replies; a short round trip bounds the error tightly).
    /// </summary>
    [Id(9)] public int MaxSamplesPerPoll { get; init; } = 25;

    /// <summary>A round trip this short ends the polling of a clock early (its error is at most half of it).</summary>
    [Id(10)] public double GoodRoundTripMs { get; init; } = 0.25;

    /// <summary>A clock that has not answered a poll in this time is left out of the round.</summary>
    [Id(6)] public int PollTimeoutMs { get; init; } = 300;

    /// <summary>Place each clock's first activation on its own silo (round robin over the active silos).</summary>
    [Id(7)] public bool SpreadOverSilos { get; init; } = true;

    /// <summary>
    /// A reading whose best round trip is longer than this is too uncertain to vote in the average (its clock is still
    /// corrected when the correction is larger than its error bound).
    /// </summary>
    [Id(11)] public double MaxVotingRoundTripMs { get; init; } = 1.0;

    /// <summary>Rounds kept in the status (the oldest are dropped beyond it; a long-running server stays small).</summary>
    [Id(8)] public int History { get; init; } = 100;
}
