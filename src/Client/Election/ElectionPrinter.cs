using System.Globalization;
using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Client.Election;

/// <summary>The text output: the message sequence like the course's printout, with times; the counts; the random runs' table.</summary>
internal sealed class ElectionPrinter(TextWriter output)
{
    public void PrintElection(ElectionSettings settings, ElectionPhase election, DateTimeOffset origin, SimulationResult predicted)
    {
        output.WriteLine();
        output.WriteLine("      t (ms)  message / event");
        PrintSequence(election, origin, settings);
        output.WriteLine();
        var counts = string.Join(", ", election.Counts.Select(c => $"{c.Key} {c.Value}"));
        output.WriteLine(election.Agreed
            ? $"Winner: node {election.Coordinator}, known by all {election.Known.Count} live nodes."
            : $"No single winner: {string.Join(", ", election.Known.Select(k => $"{k.Key}→{k.Value}"))}");
        output.WriteLine($"Messages: {counts} ({election.Messages.Count()} in all; {election.Undelivered} not taken: sent to a crashed node)");
        var predictedCounts = Enum.GetValues<ElectionMessageKind>().Where(k => k != ElectionMessageKind.Ok || settings.Algorithm == ElectionAlgorithm.Bully)
            .Select(k => (Name: ElectionRules.Name(k), Predicted: predicted.Count(k), Actual: election.Count(k))).ToList();
        var same = predictedCounts.All(p => p.Predicted == p.Actual) && predicted.AgreedCoordinator == election.Coordinator;
        output.WriteLine($"The rules predict for initiator{(election.Initiators.Count == 1 ? "" : "s")} {string.Join(", ", election.Initiators)}: node {predicted.AgreedCoordinator}, "
            + string.Join(", ", predictedCounts.Select(p => $"{p.Name} {p.Predicted}")) + (same ? ": the cluster did exactly that." : ": the cluster differs (timing: see the sequence)."));
        if (election.Start is { } start)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Election: {election.ElapsedMs:0.0} ms from the first ELECTION to the last message taken; started {(start - origin).TotalMilliseconds:0} ms after the crash."));
        }
    }

    public void PrintRecovery(ElectionSettings settings, RecoveryPhase recovery)
    {
        output.WriteLine();
        PrintSequence(recovery.Election, recovery.BackAt, settings);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"After recovering node {recovery.Node}: coordinator {recovery.Election.Coordinator} known by all {recovery.Election.Known.Count} nodes; "
            + $"{string.Join(", ", recovery.Election.Counts.Select(c => $"{c.Key} {c.Value}"))}; "
            + $"last message taken {recovery.ElapsedMs:0.0} ms after it was back (all agreed, as polled, after {recovery.AgreedAfterMs:0} ms; heartbeat period {settings.HeartbeatPeriod.TotalMilliseconds:0} ms)."));
    }

    public void PrintRandomHeader()
    {
        output.WriteLine();
        output.WriteLine(" run | crashed    | initiators | coordinator | agreed | ELECTION |  OK | COORDINATOR | ms");
        output.WriteLine("-----|------------|------------|-------------|--------|----------|-----|-------------|------");
    }

    public void PrintRandomRun(RandomRun run)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $" {run.Run,3} | {string.Join(",", run.Crashed),-10} | {string.Join(",", run.Initiators),-10} | {run.Coordinator,11} | {(run.Agreed && run.Coordinator == run.Expected ? "yes" : "NO"),6} | {run.Election.Count(ElectionMessageKind.Election),8} | {run.Election.Count(ElectionMessageKind.Ok),3} | {run.Election.Count(ElectionMessageKind.Coordinator),11} | {run.Election.ElapsedMs,5:0}"));
    }

    public void PrintRandomSummary(IReadOnlyList<RandomRun> runs)
    {
        var good = runs.Count(r => r.Agreed && r.Coordinator == r.Expected);
        var concurrent = runs.Count(r => r.Initiators.Length > 1);
        output.WriteLine();
        output.WriteLine($"{good}/{runs.Count} runs ended with exactly one coordinator, the highest live id, known by every live node ({concurrent} runs had 2-3 concurrent initiators).");
    }

    private void PrintSequence(ElectionPhase election, DateTimeOffset origin, ElectionSettings settings)
    {
        foreach (var entry in election.Entries)
        {
            var t = (entry.At - origin).TotalMilliseconds;
            string line;
            if (entry.Kind is { } kind)
            {
                var payload = entry.Text.Length > 0 ? " " + entry.Text : "";
                var fate = !entry.Delivered
                    ? $"   lost: node {entry.To} did not take it within {settings.MessageTimeout.TotalMilliseconds:0} ms"
                    : entry.Skipped.Length > 0 ? $"   (skipped dead {string.Join(", ", entry.Skipped)})" : "";
                line = $"{entry.Node,3} → {entry.To,-3} {ElectionRules.Name(kind)}{payload}{fate}";
            }
            else
            {
                line = $"node {entry.Node}: {entry.Text}";
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t,10:+0.0;-0.0}  {line}"));
        }
    }
}
