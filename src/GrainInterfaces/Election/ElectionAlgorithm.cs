namespace Dist.GrainInterfaces.Election;

/// <summary>Which leader-election algorithm the nodes of a run follow.</summary>
[GenerateSerializer, Alias("OrleansDist.ElectionAlgorithm")]
public enum ElectionAlgorithm
{
    Bully = 0,
    Ring = 1,
}
