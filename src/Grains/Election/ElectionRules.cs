using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>Creates the rules of an algorithm for one node.</summary>
public static class ElectionRules
{
    public static IElectionRules Create(ElectionAlgorithm algorithm, int id, IReadOnlyCollection<int> ids, int coordinator, string runId, ElectionTimings timings) =>
        algorithm switch
        {
            ElectionAlgorithm.Bully => new BullyRules(id, ids, coordinator, runId, timings),
            ElectionAlgorithm.Ring => new RingRules(id, ids, coordinator, runId, timings),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown election algorithm"),
        };

    /// <summary>The message types' names as the course writes them.</summary>
    public static string Name(ElectionMessageKind kind) => kind switch
    {
        ElectionMessageKind.Election => "ELECTION",
        ElectionMessageKind.Ok => "OK",
        ElectionMessageKind.Coordinator => "COORDINATOR",
        _ => kind.ToString().ToUpperInvariant(),
    };
}
