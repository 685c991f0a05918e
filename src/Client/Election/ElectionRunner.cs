using System.Diagnostics;
using Dist.GrainInterfaces.Diagnostics;
using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Client.Election;

/// <summary>
/// Drives elections between node grains: places the nodes on the silos, configures them, crashes one (a flag in the grain,
/// or SIGKILL of its silo process), lets the failure detector or the initiators start the election, waits until every live
/// node agrees and nothing is in flight, and gathers the nodes' records.
/// </summary>
internal sealed class ElectionRunner(ExperimentCluster cluster, ElectionSettings settings, TimeSpan callTimeout, TextWriter output)
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Setting a node up activates it and writes its run to grain storage: on freshly started silos (code not yet compiled)
    /// and a busy machine that takes seconds, more than a protocol call ever may.
    /// </summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(30);

    private readonly ElectionPrinter _printer = new(output);

    public async Task<ScriptedElection> RunScriptedAsync(CancellationToken cancellationToken)
    {
        var placement = await PlaceAsync(settings.KillSilo ? settings.Crash : null);
        var nodes = Grains(placement);
        var runId = NewRunId();
        (int Pid, string Silo)? victimProcess = null;
        if (settings.KillSilo)
        {
            victimProcess = await FindLocalProcessAsync(placement[settings.Crash!.Value]);
        }

        using var root = ElectionTelemetry.StartRun(settings.Algorithm, runId, settings.Nodes);
        var watchers = settings.Initiator is { } only ? new HashSet<int> { only } : [.. nodes.Keys];
        await ConfigureAsync(nodes, placement, runId, root, watchers, cancellationToken);
        await output.WriteLineAsync(settings.Initiator is { } i
            ? $"Every node knows node {settings.InitialCoordinator} as coordinator; node {i}'s failure detector watches it (heartbeat every {settings.HeartbeatPeriod.TotalMilliseconds:0} ms, {settings.MissedHeartbeats} missed = crashed; message timeout {settings.MessageTimeout.TotalMilliseconds:0} ms)"
            : $"Every node knows node {settings.InitialCoordinator} as coordinator and watches it (heartbeat every {settings.HeartbeatPeriod.TotalMilliseconds:0} ms, {settings.MissedHeartbeats} missed = crashed; message timeout {settings.MessageTimeout.TotalMilliseconds:0} ms)");

        var crashAt = DateTimeOffset.UtcNow;
        if (settings.Crash is { } crash)
        {
            if (victimProcess is { } victim)
            {
                KillProcess(victim.Pid);
                await output.WriteLineAsync($"Killed silo {victim.Silo} (pid {victim.Pid}) with SIGKILL: node {crash} is down with its machine");
            }
            else
            {
                await nodes[crash].Crash();
                await output.WriteLineAsync($"Crashed node {crash}: it stops answering (messages and heartbeats to it time out)");
            }
        }

        var live = nodes.Where(n => n.Key != settings.Crash).ToDictionary();
        if (settings.Crash != settings.InitialCoordinator)
        {
            // the coordinator is alive, so nobody will notice anything: the initiator calls an election itself
            var starter = settings.Initiator ?? live.Keys.Min();
            await live[starter].StartElection("asked to start an election (the coordinator is alive)");
        }

        var election = await WaitForAgreementAsync(live, runId, atLeastOneStarted: true, cancellationToken);
        var predicted = new ElectionSimulator(settings.Algorithm, settings.Nodes, settings.Crash is { } c ? [c] : [], new ElectionTimings(settings.MessageTimeout))
            .Run(election.Initiators.Count > 0 ? election.Initiators : [settings.Initiator ?? live.Keys.Min()]);
        _printer.PrintElection(settings, election, crashAt, predicted);

        RecoveryPhase? recovery = null;
        if (settings.Recover is { } back)
        {
            recovery = await RecoverAsync(nodes, back, runId, victimProcess, cancellationToken);
            _printer.PrintRecovery(settings, recovery);
        }

        await FinishAsync(victimProcess is null || recovery is not null ? nodes.Values : live.Values);
        return new ScriptedElection(placement, settings.Crash, victimProcess?.Silo, victimProcess?.Pid, crashAt, election, predicted, recovery);
    }

    public async Task<RandomRuns> RunRandomAsync(CancellationToken cancellationToken)
    {
        var placement = await PlaceAsync(null);
        var nodes = Grains(placement);
        var random = new Random(settings.Seed);
        await output.WriteLineAsync($"{settings.RandomRuns} random runs (seed {settings.Seed}): each crashes the coordinator {settings.InitialCoordinator} and up to 2 more nodes, then 1-3 live nodes start an election at once (message timeout {settings.MessageTimeout.TotalMilliseconds:0} ms)");
        _printer.PrintRandomHeader();
        var runs = new List<RandomRun>();
        for (var run = 1; run <= settings.RandomRuns; run++)
        {
            var crashed = new SortedSet<int> { settings.InitialCoordinator };
            var extra = random.Next(0, Math.Min(2, settings.Nodes - 2) + 1);
            while (crashed.Count < 1 + extra)
            {
                crashed.Add(random.Next(1, settings.Nodes));
            }

            var live = nodes.Where(n => !crashed.Contains(n.Key)).ToDictionary();
            var initiators = live.Keys.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(3, live.Count) + 1)).Order().ToArray();
            var runId = NewRunId();
            using var root = ElectionTelemetry.StartRun(settings.Algorithm, runId, settings.Nodes);
            root?.SetTag("election.crashed", string.Join(",", crashed));
            root?.SetTag("election.initiators", string.Join(",", initiators));
            await ConfigureAsync(nodes, placement, runId, root, watchers: new HashSet<int>(), cancellationToken);
            await Task.WhenAll(crashed.Select(c => nodes[c].Crash()));
            await Task.WhenAll(initiators.Select(i => live[i].StartElection($"starts an election (one of {initiators.Length} concurrent initiators)")));
            var election = await WaitForAgreementAsync(live, runId, atLeastOneStarted: true, cancellationToken);
            var result = new RandomRun(run, [.. crashed], initiators, live.Keys.Max(), election);
            root?.SetTag("election.coordinator", result.Coordinator);
            runs.Add(result);
            _printer.PrintRandomRun(result);
        }

        await FinishAsync(nodes.Values);
        _printer.PrintRandomSummary(runs);
        return new RandomRuns(settings.Seed, placement, runs);
    }

    private async Task<RecoveryPhase> RecoverAsync(Dictionary<int, IElectionNodeGrain> nodes, int node, string runId, (int Pid, string Silo)? killed, CancellationToken cancellationToken)
    {
        var grain = nodes[node];
        var recoveryStart = DateTimeOffset.UtcNow;
        DateTimeOffset backAt;
        if (killed is { } victim)
        {
            await output.WriteLineAsync($"Waiting up to {settings.RecoverWait.TotalSeconds:0} s for a silo named {victim.Silo} to start again (OrleansDist.Silo --name {victim.Silo} ... on its machine); node {node} comes back with it");
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var attempt = DateTimeOffset.UtcNow;
                try
                {
                    var status = await grain.Recover().WaitAsync(callTimeout, cancellationToken);
                    backAt = attempt;
                    await output.WriteLineAsync($"Node {node} is back on silo {status.Silo} (pid {status.ProcessId})");
                    break;
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    if (deadline.Elapsed > settings.RecoverWait)
                    {
                        throw new CommandFailedException($"no silo named {victim.Silo} started within {settings.RecoverWait.TotalSeconds:0} s, so node {node} cannot recover (last error: {ex.Message})");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                }
            }
        }
        else
        {
            backAt = DateTimeOffset.UtcNow;
            await grain.Recover().WaitAsync(callTimeout, cancellationToken);
            await output.WriteLineAsync($"Recovered node {node}: it answers again, and starts an election");
        }

        // everyone is alive again: the highest id must lead (the recovered node itself when it is the highest)
        var election = await WaitForAgreementAsync(nodes, runId, atLeastOneStarted: false, cancellationToken, mustKnow: nodes.Keys.Max());
        var agreedAt = DateTimeOffset.UtcNow;
        var since = election with { Entries = [.. election.Entries.Where(e => e.At >= recoveryStart)] };
        // the node is back when it runs again: its own first note (a new silo process takes a while to activate it)
        if (since.Entries.FirstOrDefault(e => e.Node == node && e.Kind is null) is { } first && first.At > backAt)
        {
            backAt = first.At;
        }

        return new RecoveryPhase(node, backAt, since, (agreedAt - backAt).TotalMilliseconds);
    }

    /// <summary>
    /// Polls the live nodes until the election is over: every one idle, nothing in flight, all knowing one coordinator that
    /// is alive (and, for the first election, somebody having started one). Then reads their records.
    /// </summary>
    private async Task<ElectionPhase> WaitForAgreementAsync(
        Dictionary<int, IElectionNodeGrain> live, string runId, bool atLeastOneStarted, CancellationToken cancellationToken, int? mustKnow = null)
    {
        var clock = Stopwatch.StartNew();
        ElectionNodeStatus?[] statuses;
        bool settled;
        while (true)
        {
            statuses = await Task.WhenAll(live.Values.Select(StatusOrNullAsync));
            settled = statuses.All(s => s is { Electing: false, PendingSends: 0, Crashed: false } && s.RunId == runId)
                && statuses.Select(s => s!.Coordinator).Distinct().Count() == 1
                && live.ContainsKey(statuses[0]!.Coordinator)
                && (mustKnow is null || statuses[0]!.Coordinator == mustKnow)
                && (!atLeastOneStarted || statuses.Sum(s => s!.ElectionsStarted) > 0);
            if (settled || clock.Elapsed > settings.Deadline)
            {
                break;
            }

            await Task.Delay(PollPeriod, cancellationToken);
        }

        if (!settled)
        {
            await output.WriteLineAsync($"error: no agreement after {settings.Deadline.TotalSeconds:0} s: "
                + string.Join(", ", live.Keys.Zip(statuses, (id, s) => s is null ? $"{id}: no answer" : $"{id}: coordinator {s.Coordinator}{(s.Electing ? " (electing)" : "")}{(s.PendingSends > 0 ? $" ({s.PendingSends} in flight)" : "")}")));
        }

        var logs = await Task.WhenAll(live.Values.Select(async n =>
        {
            try
            {
                return await n.GetLog(runId).WaitAsync(callTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                return [];
            }
        }));
        var known = live.Keys.Zip(statuses).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!.Coordinator);
        var initiators = live.Keys.Zip(statuses).Where(p => p.Second is { ElectionsStarted: > 0 }).Select(p => p.First).Order().ToArray();
        return new ElectionPhase(known, [.. logs.SelectMany(l => l).OrderBy(e => e.At)], initiators, settled);
    }

    /// <summary>Stops the nodes' heartbeats and timers and clears their stored run, so nothing goes on after the command.</summary>
    private async Task FinishAsync(IEnumerable<IElectionNodeGrain> nodes)
    {
        await Task.WhenAll(nodes.Select(async n =>
        {
            try
            {
                await n.Finish().WaitAsync(callTimeout);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // a node that cannot be reached has nothing running
            }
        }));
    }

    private async Task<ElectionNodeStatus?> StatusOrNullAsync(IElectionNodeGrain node)
    {
        try
        {
            return await node.GetStatus().WaitAsync(callTimeout);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return null;
        }
    }

    private async Task ConfigureAsync(
        Dictionary<int, IElectionNodeGrain> nodes, IReadOnlyDictionary<int, string> placement, string runId, Activity? root, IReadOnlySet<int> watchers, CancellationToken cancellationToken)
    {
        ElectionNodeKey[] keys = [.. placement.Select(p => new ElectionNodeKey(p.Key, Key(p.Value, p.Key)))];
        try
        {
            await Task.WhenAll(nodes.Select(n => n.Value.Configure(new ElectionSetup(
                runId,
                settings.Algorithm,
                keys,
                settings.InitialCoordinator,
                (int)settings.MessageTimeout.TotalMilliseconds,
                (int)settings.HeartbeatPeriod.TotalMilliseconds,
                settings.MissedHeartbeats,
                watchers.Contains(n.Key),
                root?.Id)).WaitAsync(SetupTimeout > callTimeout ? SetupTimeout : callTimeout, cancellationToken)));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            throw new CommandFailedException($"cannot set up the nodes: {ex.Message}", ex);
        }
    }

    /// <summary>Which silo each node lives on; printed, with the node to be killed alone on its silo.</summary>
    private async Task<IReadOnlyDictionary<int, string>> PlaceAsync(int? alone)
    {
        var silos = await cluster.SiloNamesAsync();
        if (alone is not null && silos.Count < 2)
        {
            throw new CommandFailedException($"--kill-silo puts node {alone} alone on a silo and the others elsewhere: the cluster needs at least two silos (it has {silos.Count})");
        }

        var placement = ElectionPlacementPlan.Assign(settings.Nodes, silos, alone);
        var perSilo = placement.GroupBy(p => p.Value).OrderBy(g => silos.ToList().IndexOf(g.Key))
            .Select(g => $"{g.Key} [{string.Join(", ", g.Select(p => p.Key).Order())}]");
        await output.WriteLineAsync($"Election ({settings.AlgorithmName}): {settings.Nodes} nodes on {placement.Values.Distinct().Count()} silos: {string.Join(", ", perSilo)}"
            + (alone is { } a ? $" (node {a} alone on its silo, so killing that process crashes node {a} only)" : ""));
        return placement;
    }

    private Dictionary<int, IElectionNodeGrain> Grains(IReadOnlyDictionary<int, string> placement) =>
        placement.ToDictionary(p => p.Key, p => cluster.Client.GetGrain<IElectionNodeGrain>(Key(p.Value, p.Key)));

    private static string Key(string silo, int node) => MachineBoundKey.Create(silo, node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The process of silo <paramref name="silo"/>, which must run on this machine (a kill is local).</summary>
    private async Task<(int Pid, string Silo)> FindLocalProcessAsync(string silo)
    {
        MachineDescription where;
        try
        {
            where = await cluster.Client.GetGrain<IMachineProbeGrain>(MachineBoundKey.Create(silo, "probe")).Describe().WaitAsync(callTimeout);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            throw new CommandFailedException($"cannot reach silo {silo} to find its process: {ex.Message}", ex);
        }

        if (!string.Equals(where.HostName, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandFailedException($"--kill-silo kills the silo process on this machine, but silo {silo} (node {settings.Crash}) runs on host {where.HostName}, not {Environment.MachineName}: run the client there, or kill it yourself and use --crash without --kill-silo");
        }

        if (where.ProcessId == Environment.ProcessId)
        {
            throw new CommandFailedException($"silo {silo} runs inside this client process; --kill-silo needs a separate silo process");
        }

        return (where.ProcessId, silo);
    }

    private static void KillProcess(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(); // SIGKILL on Linux: no goodbye, no membership update
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailedException($"no process {pid} on this machine (the silo already exited?)", ex);
        }
    }

    private static string NewRunId() => $"el-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
