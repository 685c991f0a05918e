using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Grains.Clocks;

/// <summary>What the master persists: its configuration, its own clock, and the rounds so far.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.BerkeleyMasterState")]
public sealed class BerkeleyMasterState
{
    [Id(0)] public BerkeleyConfig? Config { get; set; }

    [Id(1)] public SimulatedClockState? MasterClock { get; set; }

    [Id(2)] public List<BerkeleyRound> Rounds { get; set; } = [];

    [Id(3)] public List<OffsetSnapshot> Snapshots { get; set; } = [];

    /// <summary>Timer ticks done: tick n takes snapshot n-1 and runs round n.</summary>
    [Id(4)] public int Ticks { get; set; }

    [Id(5)] public bool Finished { get; set; }

    [Id(6)] public string[] Placement { get; set; } = [];
}
