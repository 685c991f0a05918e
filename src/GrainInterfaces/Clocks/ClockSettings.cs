namespace Dist.GrainInterfaces.Clocks;

/// <summary>How a simulated clock misbehaves and how it may be adjusted.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockSettings")]
public sealed record ClockSettings
{
    /// <summary>Initial offset from true time, in seconds (the skew).</summary>
    [Id(0)] public double SkewSeconds { get; init; }

    /// <summary>Rate error in parts per million: +100 gains 100 µs every second.</summary>
    [Id(1)] public double DriftPpm { get; init; }

    /// <summary>
    /// A faulty clock: every reading it reports is off by this many seconds, whatever it is told. It records the
    /// corrections it receives but cannot apply them (its readout is broken, not its setting).
    /// </summary>
    [Id(2)] public double? LieSeconds { get; init; }

    /// <summary>Largest rate change a slew may use, in ppm (2000 = 2 ms per second: a residual of a couple of ms, RTT noise included, is absorbed within a 1 s period).</summary>
    [Id(3)] public double MaxSlewPpm { get; init; } = 2000;

    /// <summary>Corrections at least this large (seconds) are stepped; smaller ones are slewed (NTP steps above 128 ms).</summary>
    [Id(4)] public double StepThresholdSeconds { get; init; } = 0.128;
}
