using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Client.Election;

/// <summary>The JSON of <c>--json</c>: <c>coordinator</c>, <c>messages{ELECTION,OK,COORDINATOR}</c>, <c>elapsed_ms</c>, <c>sequence[]</c>; <c>runs[]</c> for random runs.</summary>
internal static class ElectionJson
{
    public static object Scripted(ElectionSettings settings, ScriptedElection run) => new
    {
        Algorithm = settings.AlgorithmName,
        Nodes = settings.Nodes,
        Placement = run.Placement.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
        Crashed = run.Crashed,
        KilledSilo = run.KilledSilo,
        KilledProcess = run.KilledProcess,
        Initiators = run.Election.Initiators,
        Coordinator = run.Election.Coordinator,
        Agreed = run.Election.Agreed,
        Known = Known(run.Election),
        Messages = run.Election.Counts,
        Undelivered = run.Election.Undelivered,
        Predicted = new
        {
            Coordinator = run.Predicted.AgreedCoordinator,
            Messages = Enum.GetValues<ElectionMessageKind>().ToDictionary(ElectionRules.Name, run.Predicted.Count),
        },
        ElapsedMs = Math.Round(run.Election.ElapsedMs, 1),
        DetectionMs = run.Election.Start is { } start ? Math.Round((start - run.CrashAt).TotalMilliseconds, 1) : (double?)null,
        TimeoutMs = settings.MessageTimeout.TotalMilliseconds,
        HeartbeatMs = settings.HeartbeatPeriod.TotalMilliseconds,
        Sequence = Sequence(run.Election, run.CrashAt),
        Events = Events(run.Election, run.CrashAt),
        Recovery = run.Recovery is { } recovery
            ? new
            {
                recovery.Node,
                recovery.Election.Coordinator,
                recovery.Agreed,
                Known = Known(recovery.Election),
                Messages = recovery.Election.Counts,
                ElapsedMs = Math.Round(recovery.ElapsedMs, 1),
                AgreedAfterMs = Math.Round(recovery.AgreedAfterMs, 1),
                Sequence = Sequence(recovery.Election, recovery.BackAt),
                Events = Events(recovery.Election, recovery.BackAt),
            }
            : null,
    };

    public static object Random(ElectionSettings settings, RandomRuns runs) => new
    {
        Algorithm = settings.AlgorithmName,
        Nodes = settings.Nodes,
        runs.Seed,
        TimeoutMs = settings.MessageTimeout.TotalMilliseconds,
        Placement = runs.Placement.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
        AgreedRuns = runs.Runs.Count(r => r.Agreed && r.Coordinator == r.Expected),
        Runs = runs.Runs.Select(r => new
        {
            r.Run,
            r.Crashed,
            r.Initiators,
            r.Coordinator,
            HighestLive = r.Expected,
            Agreed = r.Agreed && r.Coordinator == r.Expected,
            Known = Known(r.Election),
            Messages = r.Election.Counts,
            ElapsedMs = Math.Round(r.Election.ElapsedMs, 1),
        }),
    };

    private static Dictionary<string, int> Known(ElectionPhase election) =>
        election.Known.OrderBy(k => k.Key).ToDictionary(k => k.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), k => k.Value);

    private static IEnumerable<object> Sequence(ElectionPhase election, DateTimeOffset origin) =>
        election.Messages.Select(m => new
        {
            TMs = Math.Round((m.At - origin).TotalMilliseconds, 1),
            At = m.At,
            From = m.Node,
            To = m.To,
            Type = ElectionRules.Name(m.Kind!.Value),
            m.Delivered,
            Skipped = m.Skipped.Length > 0 ? m.Skipped : null,
            Payload = m.Text.Length > 0 ? m.Text : null,
        });

    private static IEnumerable<object> Events(ElectionPhase election, DateTimeOffset origin) =>
        election.Entries.Where(e => e.Kind is null).Select(e => new { TMs = Math.Round((e.At - origin).TotalMilliseconds, 1), e.Node, e.Text });
}
