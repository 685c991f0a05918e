using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>
/// <c>experiment group</c>: members, overlapping groups and senders sending at once, per ordering mode; checks the
/// guarantees from the members' logs and reports throughput and delivery latency (p50/p99).
/// </summary>
internal static class GroupExperimentCommand
{
    public static Command Build(CommonOptions common)
    {
        var members = Count("--members", "Members (each its own grain)", 10, 1, 5000);
        var groups = Count("--groups", "Overlapping multicast groups (group j: every member whose index is not j modulo the count)", 3, 1, 100);
        var senders = Count("--senders", "Sending members (the first ones)", 5, 1, 5000);
        var messages = Count("--messages", "Messages in all, sent at once, spread over the senders and the groups", 1000, 1, 1_000_000);
        var order = GroupCommands.OrderOption("none,fifo,total", allowList: true);
        var to = new Option<string>("--to") { Description = "groups: multicast to the groups; all: broadcast to every member", DefaultValueFactory = _ => "groups", HelpName = "groups|all" };
        to.AcceptOnlyFromAmong("groups", "all");
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for every delivery of one mode", DefaultValueFactory = _ => 300, HelpName = "seconds" };
        timeout.Validators.Add(r => CommonOptions.SecondsBetween(r, "--timeout", 1, 86400));
        var repeat = Count("--repeat", "Rounds per mode, the modes taking turns (the table shows each mode's median round by msgs/s)", 1, 1, 20);
        var command = new Command("group", "Group communication: checks the none/fifo/total guarantees and measures throughput and delivery latency per mode")
        {
            members, groups, senders, messages, order, to, timeout, repeat,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(senders) > r.GetValue(members))
            {
                r.AddError($"--senders {r.GetValue(senders)} cannot exceed --members {r.GetValue(members)}");
            }

            if (r.GetValue(groups) > r.GetValue(members))
            {
                r.AddError($"--groups {r.GetValue(groups)} cannot exceed --members {r.GetValue(members)}");
            }

            if (r.GetValue(order) is { } text && text.Split(',').Select(o => o.Trim().ToLowerInvariant()).Distinct().Count() != text.Split(',').Length)
            {
                r.AddError($"--order '{text}' names a mode twice");
            }
        });

        return GroupCommands.WithCluster(command, common, async (parse, client, ct) =>
        {
            var settings = new GroupExperiment.Settings(
                parse.GetValue(members), parse.GetValue(groups), parse.GetValue(senders), parse.GetValue(messages),
                parse.GetValue(to) == "all", TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var orders = parse.GetValue(order)!.Split(',').Select(o => GroupText.ParseOrder(o)!.Value).Distinct().ToList();
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
            var experiment = new GroupExperiment(client, Console.Out);
            // the first round pays for JIT compilation and the silos' first activations of every grain type: not measured
            await Console.Out.WriteLineAsync("warm-up round (not measured):");
            await experiment.RunAsync($"gx{stamp}-warmup", settings with { Messages = Math.Min(settings.Messages, 50) }, orders[0], ct);
            var runs = new List<GroupModeResult>();
            var rounds = parse.GetValue(repeat);
            for (var round = 1; round <= rounds; round++)
            {
                // the modes take turns, so that a slow spell of the machine does not land on one mode only
                foreach (var mode in orders)
                {
                    runs.Add(await experiment.RunAsync($"gx{stamp}-{GroupText.Name(mode)}{(rounds > 1 ? $"-r{round}" : "")}", settings, mode, ct));
                }
            }

            var results = orders.Select(mode => MedianRun(runs.Where(r => r.Order == mode).ToList())).ToList();
            await WriteTableAsync(results, Console.Out);
            if (rounds > 1)
            {
                foreach (var mode in orders)
                {
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{GroupText.Name(mode)} rounds: {string.Join(", ", runs.Where(r => r.Order == mode).Select(r => $"{r.MessagesPerSecond:0.0} msgs/s p99 {r.Latency.P99:0} ms"))}"));
                }
            }
            var cost = CostOfTotal(results);
            if (cost is not null)
            {
                await Console.Out.WriteLineAsync(cost);
            }

            var failed = runs.Where(r => !r.Check.Ok || r.Deliveries != r.ExpectedDeliveries).ToList();
            var json = new
            {
                members = settings.Members,
                groups = settings.Broadcast ? 0 : settings.Groups,
                destination = settings.Broadcast ? "all" : "groups",
                senders = settings.Senders,
                messages = settings.Messages,
                rounds,
                modes = results.Select(r => new
                {
                    order = GroupText.Name(r.Order),
                    messages = r.Messages,
                    expected_deliveries = r.ExpectedDeliveries,
                    deliveries = r.Deliveries,
                    seconds = Math.Round(r.Seconds, 3),
                    sends_persisted_seconds = Math.Round(r.SendSeconds, 3),
                    messages_per_second = Math.Round(r.MessagesPerSecond, 1),
                    deliveries_per_second = Math.Round(r.DeliveriesPerSecond, 1),
                    latency_ms = new { p50 = Math.Round(r.Latency.P50, 2), p99 = Math.Round(r.Latency.P99, 2), max = Math.Round(r.Latency.Max, 2) },
                    guarantees_checked = r.Check.Checked,
                    guarantees_hold = r.Check.Ok,
                    violations = r.Check.Problems,
                    rounds_messages_per_second = runs.Where(x => x.Order == r.Order).Select(x => Math.Round(x.MessagesPerSecond, 1)),
                    rounds_p99_ms = runs.Where(x => x.Order == r.Order).Select(x => Math.Round(x.Latency.P99, 1)),
                }),
                cost_of_total_over_none = cost,
            };
            if (failed.Count > 0)
            {
                throw new CommandFailedException($"{string.Join(", ", failed.Select(r => GroupText.Name(r.Order)))}: guarantees violated or deliveries missing (see above)");
            }

            return json;
        });
    }

    public static async Task WriteTableAsync(IReadOnlyList<GroupModeResult> results, TextWriter output)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync(" order | messages | deliveries | seconds | msgs/s  | deliveries/s | p50 ms | p99 ms | max ms | guarantees");
        await output.WriteLineAsync("-------|----------|------------|---------|---------|--------------|--------|--------|--------|-----------");
        foreach (var r in results)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $" {GroupText.Name(r.Order),-5} | {r.Messages,8} | {r.Deliveries,10} | {r.Seconds,7:0.00} | {r.MessagesPerSecond,7:0.0} | {r.DeliveriesPerSecond,12:0.0} | {r.Latency.P50,6:0.0} | {r.Latency.P99,6:0.0} | {r.Latency.Max,6:0.0} | {(r.Check.Ok && r.Deliveries == r.ExpectedDeliveries ? "hold" : "VIOLATED")}"));
        }

        await output.WriteLineAsync();
        foreach (var guarantee in results.SelectMany(r => r.Check.Checked).Distinct())
        {
            await output.WriteLineAsync($"checked: {guarantee}");
        }
    }

    /// <summary>The round with the median throughput (the lower middle one of an even count).</summary>
    public static GroupModeResult MedianRun(IReadOnlyList<GroupModeResult> rounds) =>
        rounds.OrderBy(r => r.MessagesPerSecond).ElementAt((rounds.Count - 1) / 2);

    /// <summary>"total vs none: ..." when both ran, else null.</summary>
    public static string? CostOfTotal(IReadOnlyList<GroupModeResult> results)
    {
        var none = results.FirstOrDefault(r => r.Order == DeliveryOrder.None);
        var total = results.FirstOrDefault(r => r.Order == DeliveryOrder.Total);
        if (none is null || total is null || none.MessagesPerSecond <= 0)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"cost of total over none: {total.MessagesPerSecond / none.MessagesPerSecond:0.00}x the throughput ({total.MessagesPerSecond:0.0} vs {none.MessagesPerSecond:0.0} msgs/s), p50 {total.Latency.P50 - none.Latency.P50:+0.0;-0.0} ms, p99 {total.Latency.P99 - none.Latency.P99:+0.0;-0.0} ms");
    }

    private static Option<int> Count(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n" };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                r.AddError($"{name} {value} must be between {min} and {max}");
            }
        });
        return option;
    }
}
