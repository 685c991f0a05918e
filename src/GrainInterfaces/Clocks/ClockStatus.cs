namespace Dist.GrainInterfaces.Clocks;

/// <summary>
/// A clock seen from outside the simulation: its true offset (what it reports minus the real time of the host, which
/// every silo on one host shares) and what it has been told.
/// </summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockStatus")]
public sealed record ClockStatus
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string Silo { get; init; }

    /// <summary>Reported reading minus real time, seconds.</summary>
    [Id(2)] public double TrueOffsetSeconds { get; init; }

    [Id(3)] public required ClockSettings Settings { get; init; }

    /// <summary>Corrections received since configuration (a liar's too).</summary>
    [Id(4)] public int Corrections { get; init; }

    [Id(5)] public double? LastCorrectionSeconds { get; init; }

    /// <summary>Slew still to be applied, seconds.</summary>
    [Id(6)] public double PendingSlewSeconds { get; init; }

    /// <summary>How many activations this clock has had (2 after its silo died once and it came back elsewhere).</summary>
    [Id(7)] public int Activations { get; init; }

    [Id(8)] public bool Configured { get; init; }
}
