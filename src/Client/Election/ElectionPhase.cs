using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Client.Election;

/// <summary>
/// One election as it happened on the cluster: the coordinator each live node ended up knowing, and the nodes' records
/// (messages sent, with time, sender, receiver, type; and what they noticed or decided), merged in time order.
/// </summary>
internal sealed record ElectionPhase(IReadOnlyDictionary<int, int> Known, IReadOnlyList<ElectionLogEntry> Entries, IReadOnlyList<int> Initiators, bool SettledInTime)
{
    /// <summary>The coordinator every live node knows; 0 when they differ.</summary>
    public int Coordinator => Known.Count > 0 && Known.Values.Distinct().Count() == 1 ? Known.Values.First() : 0;

    public bool Agreed => SettledInTime && Coordinator != 0;

    public IEnumerable<ElectionLogEntry> Messages => Entries.Where(e => e.Kind is not null);

    public int Count(ElectionMessageKind kind) => Messages.Count(m => m.Kind == kind);

    /// <summary>Per type, in the course's names (every type listed, zeros included).</summary>
    public IReadOnlyDictionary<string, int> Counts =>
        Enum.GetValues<ElectionMessageKind>().ToDictionary(ElectionRules.Name, Count);

    public int Undelivered => Messages.Count(m => !m.Delivered);

    /// <summary>The first message sent.</summary>
    public DateTimeOffset? Start => Messages.Select(m => (DateTimeOffset?)m.At).Min();

    /// <summary>When the last message was taken by its receiver.</summary>
    public DateTimeOffset? End => Messages.Where(m => m.Delivered).Select(m => (DateTimeOffset?)(m.At + TimeSpan.FromMilliseconds(m.TakenAfterMs))).Max();

    /// <summary>From the first message sent to the last one taken.</summary>
    public double ElapsedMs => Start is { } start && End is { } end ? (end - start).TotalMilliseconds : 0;
}

/// <summary>The scripted run: where the nodes lived, the crash, the election, and the recovery if asked.</summary>
internal sealed record ScriptedElection(
    IReadOnlyDictionary<int, string> Placement,
    int? Crashed,
    string? KilledSilo,
    int? KilledProcess,
    DateTimeOffset CrashAt,
    ElectionPhase Election,
    SimulationResult Predicted,
    RecoveryPhase? Recovery);

/// <summary>A recovered node's election: from the moment it was back (<see cref="BackAt"/>) until every live node knew the result.</summary>
internal sealed record RecoveryPhase(int Node, DateTimeOffset BackAt, ElectionPhase Election, double AgreedAfterMs)
{
    public bool Agreed => Election.Agreed;

    /// <summary>From the node's return to the last message of its election taken.</summary>
    public double ElapsedMs => Election.End is { } end ? Math.Max(0, (end - BackAt).TotalMilliseconds) : AgreedAfterMs;
}

/// <summary>One of the random runs.</summary>
internal sealed record RandomRun(int Run, int[] Crashed, int[] Initiators, int Expected, ElectionPhase Election)
{
    public int Coordinator => Election.Coordinator;

    public bool Agreed => Election.Agreed;
}

internal sealed record RandomRuns(int Seed, IReadOnlyDictionary<int, string> Placement, IReadOnlyList<RandomRun> Runs);
