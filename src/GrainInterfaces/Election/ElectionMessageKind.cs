namespace Dist.GrainInterfaces.Election;

/// <summary>The message types of both algorithms (Ring uses ELECTION and COORDINATOR only).</summary>
[GenerateSerializer, Alias("OrleansDist.ElectionMessageKind")]
public enum ElectionMessageKind
{
    Election = 0,
    Ok = 1,
    Coordinator = 2,
}
