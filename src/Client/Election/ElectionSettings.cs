using Dist.GrainInterfaces.Election;

namespace OrleansDist.Client.Election;

/// <summary>The parsed, checked arguments of <c>orleansdist election</c>.</summary>
internal sealed record ElectionSettings(
    ElectionAlgorithm Algorithm,
    int Nodes,
    int? Crash,
    bool KillSilo,
    int? Recover,
    int? Initiator,
    TimeSpan MessageTimeout,
    TimeSpan HeartbeatPeriod,
    int MissedHeartbeats,
    int RandomRuns,
    int Seed,
    TimeSpan Deadline,
    TimeSpan RecoverWait,
    string? JsonPath)
{
    /// <summary>Every node starts knowing the highest id as its coordinator, as after an earlier election.</summary>
    public int InitialCoordinator => Nodes;

    public string AlgorithmName => Algorithm.ToString().ToLowerInvariant();

    /// <summary>Parses the algorithm's name; null when it is neither.</summary>
    public static ElectionAlgorithm? ParseAlgorithm(string? name) => name?.ToLowerInvariant() switch
    {
        "bully" => ElectionAlgorithm.Bully,
        "ring" => ElectionAlgorithm.Ring,
        _ => null,
    };

    /// <summary>The combinations no single option's check catches; the message says what to change.</summary>
    public void Check(bool useCluster)
    {
        if (Crash is { } crash && (crash < 1 || crash > Nodes))
        {
            throw new UsageException($"--crash {crash}: there is no node {crash}; the nodes are 1..{Nodes}");
        }

        if (Initiator is { } initiator && (initiator < 1 || initiator > Nodes))
        {
            throw new UsageException($"--initiator {initiator}: there is no node {initiator}; the nodes are 1..{Nodes}");
        }

        if (Initiator is not null && Initiator == Crash)
        {
            throw new UsageException($"--initiator {Initiator} is the node --crash stops: a crashed node notices nothing");
        }

        if (Recover is { } recover && recover != Crash)
        {
            throw new UsageException($"--recover {recover} brings back a crashed node: give --crash {recover} too");
        }

        if (KillSilo && Crash is null)
        {
            throw new UsageException("--kill-silo kills the silo process of the node given by --crash K: add --crash");
        }

        if (KillSilo && !useCluster)
        {
            throw new UsageException("--kill-silo kills a real silo process: it needs --cluster (the embedded silos live in this process; without --kill-silo, --crash makes the node stop answering)");
        }

        if (RandomRuns > 0 && (Crash is not null || Initiator is not null || Recover is not null || KillSilo))
        {
            throw new UsageException("--random-runs chooses the crashed nodes and the initiators of every run itself: drop --crash, --initiator, --recover and --kill-silo");
        }
    }
}
