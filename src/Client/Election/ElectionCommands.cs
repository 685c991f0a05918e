using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using OrleansDist.Client.Download;

namespace OrleansDist.Client.Election;

/// <summary><c>orleansdist election bully|ring</c>: a leader election between node grains bound to the silos, after a crash.</summary>
internal static class ElectionCommands
{
    public const int MaxNodes = 64;

    public static Command Build(CommonOptions common)
    {
        var algorithm = new Argument<string>("algorithm") { Description = "bully or ring", HelpName = "bully|ring" };
        algorithm.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (ElectionSettings.ParseAlgorithm(name) is null)
            {
                result.AddError($"unknown election algorithm '{name}': expected bully or ring");
            }
        });
        var nodes = IntOption("--nodes", "Node grains, ids 1..n, spread over the silos", "n", 10);
        nodes.Validators.Add(result => Range(result, "--nodes", 2, MaxNodes, " (an election needs at least two nodes)"));
        var crash = new Option<int?>("--crash") { Description = "Node K stops answering (drops every message and heartbeat) before the election", HelpName = "K" };
        var killSilo = new Option<bool>("--kill-silo") { Description = "With --cluster: kill (SIGKILL) the silo process hosting node K instead; node K is put alone on its silo, which must run on this machine" };
        var recover = new Option<int?>("--recover") { Description = "Bring node K back after the election (with --kill-silo: wait until a silo of that name is started again); it starts an election", HelpName = "K" };
        var initiator = new Option<int?>("--initiator") { Description = "Only this node's failure detector watches the coordinator, so it notices the crash and starts the election (default: every node watches)", HelpName = "I" };
        var timeout = IntOption("--timeout", "Milliseconds a sender waits for a message or heartbeat to be taken before it counts it lost", "ms", 500);
        timeout.Validators.Add(result => Range(result, "--timeout", 20, 60_000, ""));
        var heartbeat = IntOption("--heartbeat", "Milliseconds between two heartbeats of a node to its coordinator", "ms", 500);
        heartbeat.Validators.Add(result => Range(result, "--heartbeat", 20, 60_000, ""));
        var misses = IntOption("--misses", "Heartbeats in a row unanswered after which a node starts an election", "n", 2);
        misses.Validators.Add(result => Range(result, "--misses", 1, 100, ""));
        var randomRuns = IntOption("--random-runs", "Run this many elections instead, each with random crashed nodes (the coordinator among them) and 1-3 concurrent initiators; check that every live node agrees on the highest live id", "n", 0);
        randomRuns.Validators.Add(result => Range(result, "--random-runs", 0, 1000, ""));
        var seed = new Option<int?>("--seed") { Description = "Seed of --random-runs (default: random, printed)", HelpName = "S" };
        var deadline = IntOption("--deadline", "Seconds an election may take before the command gives up", "s", 60);
        deadline.Validators.Add(result => Range(result, "--deadline", 1, 3600, ""));
        var recoverWait = IntOption("--recover-wait", "With --kill-silo --recover: seconds to wait for a silo of the killed one's name to start again", "s", 120);
        recoverWait.Validators.Add(result => Range(result, "--recover-wait", 1, 3600, ""));
        var json = new Option<string>("--json") { Description = "Also write the result as JSON to this file", HelpName = "FILE" };
        var where = new ExperimentClusterOptions(defaultSilos: 3);

        var command = new Command("election", "Leader election (Bully or Ring) between node grains bound to the silos, after a crash of the coordinator: the messages as they happened, the winner, counts per type, time")
        {
            algorithm, nodes, crash, killSilo, recover, initiator, timeout, heartbeat, misses, randomRuns, seed, deadline, recoverWait, json,
        };
        where.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, silos) = where.Read(parse);
            var settings = new ElectionSettings(
                ElectionSettings.ParseAlgorithm(parse.GetValue(algorithm))!.Value,
                parse.GetValue(nodes),
                parse.GetValue(crash),
                parse.GetValue(killSilo),
                parse.GetValue(recover),
                parse.GetValue(initiator),
                TimeSpan.FromMilliseconds(parse.GetValue(timeout)),
                TimeSpan.FromMilliseconds(parse.GetValue(heartbeat)),
                parse.GetValue(misses),
                parse.GetValue(randomRuns),
                parse.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000),
                TimeSpan.FromSeconds(parse.GetValue(deadline)),
                TimeSpan.FromSeconds(parse.GetValue(recoverWait)),
                parse.GetValue(json));
            settings.Check(useCluster);
            await using var cluster = await ExperimentCluster.StartAsync(common.Read(parse), useCluster, silos, Console.Out, ct);
            var runner = new ElectionRunner(cluster, settings, common.Read(parse).CallTimeout, Console.Out);
            object report;
            bool succeeded;
            if (settings.RandomRuns > 0)
            {
                var runs = await runner.RunRandomAsync(ct);
                report = ElectionJson.Random(settings, runs);
                succeeded = runs.Runs.All(r => r.Agreed && r.Coordinator == r.Expected);
            }
            else
            {
                var run = await runner.RunScriptedAsync(ct);
                report = ElectionJson.Scripted(settings, run);
                succeeded = run.Election.Agreed && (run.Recovery?.Agreed ?? true);
            }

            if (settings.JsonPath is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ExperimentReport.JsonOptions), ct);
                await Console.Out.WriteLineAsync($"Wrote {path}");
            }

            if (!succeeded)
            {
                throw new CommandFailedException("the live nodes did not agree on one coordinator (see above)");
            }
        }));
        return command;
    }

    private static Option<int> IntOption(string name, string description, string helpName, int defaultValue) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };

    private static void Range(OptionResult result, string name, int min, int max, string why)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{name} {value} must be between {min} and {max}{why}");
        }
    }
}
