using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// What a node keeps on disk: the run it belongs to. A node whose silo was killed comes back from it on a new silo of the
/// same name, knowing its peers but not who leads (that was in memory), and starts an election.
/// </summary>
[GenerateSerializer, Alias("OrleansDist.ElectionNodeState")]
public sealed class ElectionNodeState
{
    [Id(0)]
    public ElectionSetup? Setup { get; set; }
}
