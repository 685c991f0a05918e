using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Grains.Clocks;

/// <summary>What a clock grain persists: its settings, its model (with every adjustment folded in) and what it was told.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ClockGrainState")]
public sealed class ClockGrainState
{
    [Id(0)] public ClockSettings? Settings { get; set; }

    [Id(1)] public SimulatedClockState? Model { get; set; }

    [Id(2)] public int Corrections { get; set; }

    [Id(3)] public double? LastCorrectionSeconds { get; set; }

    [Id(4)] public int Activations { get; set; }
}
