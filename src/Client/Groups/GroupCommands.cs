using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>
/// <c>group create|join|leave|members|send|log|watch|serve</c>: group communication on the cluster (an embedded one of
/// <c>--silos</c> silos unless <c>--cluster</c>).
/// </summary>
internal static class GroupCommands
{
    public static Command Build(CommonOptions common) => new("group", "Group communication: broadcast (all), multicast (a group) and unicast (member:N) with none, fifo or total order")
    {
        Create(common),
        Membership(common, "join", "Adds member M to group G (M also joins 'all')", join: true),
        Membership(common, "leave", "Removes member M from group G (what G has not yet delivered to M is dropped for M)", join: false),
        Members(common),
        Send(common),
        Log(common),
        Watch(common),
        GroupServeCommand.Build(common),
    };

    private static Command Create(CommonOptions common)
    {
        var name = GroupArgument();
        var command = new Command("create", "Creates multicast group G") { name };
        return WithCluster(command, common, async (parse, client, _) =>
        {
            var group = parse.GetValue(name)!;
            var created = await Call(() => client.GetGrain<IGroupGrain>(group).Create());
            await Console.Out.WriteLineAsync(created ? $"group {group} created" : $"group {group} already exists");
            return new { group, created };
        });
    }

    private static Command Membership(CommonOptions common, string verb, string description, bool join)
    {
        var name = GroupArgument();
        var member = MemberArgument();
        var command = new Command(verb, description) { name, member };
        return WithCluster(command, common, async (parse, client, _) =>
        {
            var group = parse.GetValue(name)!;
            var who = parse.GetValue(member)!;
            if (group == GroupNames.All && !join)
            {
                throw new UsageException("every member belongs to 'all': it cannot leave it");
            }

            bool changed;
            if (join)
            {
                await Call(() => client.GetGrain<IMemberGrain>(who).Register());
                changed = await Call(() => client.GetGrain<IGroupGrain>(group).Join(who));
            }
            else
            {
                changed = await Call(() => client.GetGrain<IGroupGrain>(group).Leave(who));
            }

            var info = await client.GetGrain<IGroupGrain>(group).GetInfo();
            var what = join ? (changed ? "joined" : "was already in") : (changed ? "left" : "was not in");
            await Console.Out.WriteLineAsync($"{who} {what} {group}; members: {string.Join(", ", info.Members)}");
            return new { group, member = who, changed, members = info.Members };
        });
    }

    private static Command Members(CommonOptions common)
    {
        var name = GroupArgument();
        var command = new Command("members", "Lists group G's members and its outbox") { name };
        return WithCluster(command, common, async (parse, client, _) =>
        {
            var group = parse.GetValue(name)!;
            var info = await Call(() => client.GetGrain<IGroupGrain>(group).GetInfo());
            if (!info.Exists)
            {
                throw new CommandFailedException($"group '{group}' does not exist (create it with: group create {group})");
            }

            await Console.Out.WriteLineAsync(
                $"group {group} on {info.Silo}: {info.Members.Count} members, {info.Accepted} messages accepted (last total #{info.LastTotalSeq}), {info.PendingMessages} in the outbox, {info.PendingDeliveries} deliveries pending");
            foreach (var member in info.Members)
            {
                await Console.Out.WriteLineAsync($"  {member}");
            }

            return info;
        });
    }

    private static Command Send(CommonOptions common)
    {
        var from = new Option<string>("--from") { Description = "The sending member", Required = true, HelpName = "member" };
        from.Validators.Add(r => Check(r, GroupNames.CheckName(r.GetValueOrDefault<string>(), "member")));
        var to = new Option<string>("--to") { Description = "all (every member), a group name, or member:N (unicast)", Required = true, HelpName = "all|group|member:N" };
        to.Validators.Add(r => Check(r, GroupNames.CheckDestination(r.GetValueOrDefault<string>())));
        var order = OrderOption();
        var wait = new Option<double>("--wait")
        {
            Description = "Seconds to wait for every member of the destination to have it in its log (0: do not wait)",
            DefaultValueFactory = _ => 10,
            HelpName = "seconds",
        };
        wait.Validators.Add(r => CommonOptions.SecondsBetween(r, "--wait", 0, 3600));
        var text = new Argument<string>("text") { Description = "The message" };
        var command = new Command("send", "Sends a message: broadcast (--to all), multicast (--to G) or unicast (--to member:N)") { from, to, order, wait, text };
        return WithCluster(command, common, async (parse, client, ct) =>
        {
            var sender = parse.GetValue(from)!;
            var destination = parse.GetValue(to)!;
            var receipt = await Call(() => client.GetGrain<IMemberGrain>(sender).Send(destination, GroupText.ParseOrder(parse.GetValue(order))!.Value, parse.GetValue(text) ?? ""));
            await Console.Out.WriteLineAsync(
                $"sent {receipt.MessageId} from {sender} (on {receipt.SenderSilo}) to {destination}: send #{receipt.SendSeq}{(receipt.FifoSeq > 0 ? $", fifo #{receipt.FifoSeq}" : "")}; persisted in {sender}'s outbox, handed to {destination} from there");
            var seconds = parse.GetValue(wait);
            var deliveries = new List<object>();
            if (seconds > 0)
            {
                var members = GroupNames.IsUnicast(destination)
                    ? [GroupNames.UnicastMember(destination)]
                    : (await client.GetGrain<IGroupGrain>(destination).GetInfo()).Members;
                var found = await WaitForDeliveryAsync(client, members, receipt.MessageId, TimeSpan.FromSeconds(seconds), ct);
                foreach (var member in members.Where(found.ContainsKey).Take(20))
                {
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  delivered to {member}: log #{found[member].Index}, {GroupText.Sequence(found[member].Message)}, {GroupText.LatencyMs(found[member]):0.0} ms after the send"));
                }

                if (found.Count > 20)
                {
                    await Console.Out.WriteLineAsync($"  ... and {found.Count - 20} more members");
                }

                deliveries.AddRange(found.Select(f => new { member = f.Key, log_index = f.Value.Index, latency_ms = Math.Round(GroupText.LatencyMs(f.Value), 3) }));
                if (found.Count < members.Count)
                {
                    throw new CommandFailedException(
                        $"{members.Count - found.Count} of {members.Count} members did not have it within {seconds:0.#} s (it stays in {destination}'s outbox and is retried)");
                }
            }

            return new { receipt, deliveries };
        });
    }

    private static Command Log(CommonOptions common)
    {
        var member = MemberArgument();
        var fromIndex = new Option<long>("--from-index") { Description = "First log entry to print", DefaultValueFactory = _ => 1, HelpName = "n" };
        var command = new Command("log", "Prints member M's delivery log, in delivery order") { member, fromIndex };
        return WithCluster(command, common, async (parse, client, _) =>
        {
            var who = parse.GetValue(member)!;
            var grain = client.GetGrain<IMemberGrain>(who);
            var info = await Call(grain.GetInfo);
            var entries = await ReadLogAsync(grain, Math.Max(1, parse.GetValue(fromIndex)));
            await Console.Out.WriteLineAsync($"member {who} on {info.Silo}: {info.Delivered} delivered, {info.HeldBack} held back, {info.OutboxPending} sends not yet accepted");
            foreach (var entry in entries)
            {
                await Console.Out.WriteLineAsync("  " + GroupText.Line(entry));
            }

            return new { member = who, silo = info.Silo, delivered = info.Delivered, held_back = info.HeldBack, outbox = info.OutboxPending, log = entries.Select(GroupText.Json) };
        });
    }

    private static Command Watch(CommonOptions common)
    {
        var member = MemberArgument();
        var count = new Option<int>("--count") { Description = "Stop after this many deliveries (0: until Ctrl+C)", DefaultValueFactory = _ => 0, HelpName = "n" };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this long (0: until Ctrl+C)", DefaultValueFactory = _ => 0, HelpName = "seconds" };
        var command = new Command("watch", "Prints member M's deliveries live, through an observer") { member, count, seconds };
        return WithCluster(command, common, async (parse, client, ct) =>
        {
            var who = parse.GetValue(member)!;
            var grain = client.GetGrain<IMemberGrain>(who);
            var info = await Call(grain.GetInfo);
            var watcher = new MemberWatcher(Console.Out, Math.Max(0, parse.GetValue(count)));
            var reference = client.CreateObjectReference<IMemberObserver>(watcher);
            await grain.Subscribe(reference);
            await Console.Out.WriteLineAsync($"WATCHING member {who} on {info.Silo} ({info.Delivered} entries in its log so far); Ctrl+C to stop");
            await Console.Out.FlushAsync(ct);
            var limit = parse.GetValue(seconds);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (limit > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(limit));
            }

            try
            {
                // the member forgets watchers it has not heard from in 2 minutes: renew every 30 s
                while (!watcher.Done.IsCompleted)
                {
                    await Task.WhenAny(watcher.Done, Task.Delay(TimeSpan.FromSeconds(30), stop.Token));
                    if (!watcher.Done.IsCompleted)
                    {
                        await grain.Subscribe(reference);
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // --seconds ran out
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the normal way out
            }
            finally
            {
                try
                {
                    await grain.Unsubscribe(reference).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // the member forgets it anyway
                }

                client.DeleteObjectReference<IMemberObserver>(reference);
            }

            await Console.Out.WriteLineAsync($"watched {watcher.Count} deliveries");
            return new { member = who, watched = watcher.Count };
        });
    }

    /// <summary>Polls the members until each has <paramref name="messageId"/> in its log, or the time is up.</summary>
    public static async Task<Dictionary<string, LogEntry>> WaitForDeliveryAsync(
        IClusterClient client, IReadOnlyList<string> members, string messageId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, LogEntry>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var member in members.Where(m => !found.ContainsKey(m)).ToList())
            {
                try
                {
                    if (await client.GetGrain<IMemberGrain>(member).FindDelivered(messageId) is { } entry)
                    {
                        found[member] = entry;
                    }
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // its silo is down: ask again later
                }
            }

            if (found.Count == members.Count || clock.Elapsed >= timeout)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public static async Task<List<LogEntry>> ReadLogAsync(IMemberGrain member, long fromIndex = 1)
    {
        var entries = new List<LogEntry>();
        while (true)
        {
            var page = await member.GetLog(fromIndex + entries.Count, 2000);
            entries.AddRange(page);
            if (page.Count < 2000)
            {
                return entries;
            }
        }
    }

    public static Option<string> OrderOption() => OrderOption("none", allowList: false);

    public static Option<string> OrderOption(string defaultValue, bool allowList)
    {
        var option = new Option<string>("--order")
        {
            Description = allowList ? "Ordering modes to run, comma-separated: none, fifo, total" : "Ordering: none, fifo (per sender) or total (one sequence per group)",
            DefaultValueFactory = _ => defaultValue,
            HelpName = allowList ? "none,fifo,total" : "none|fifo|total",
        };
        option.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>() ?? "";
            var parts = allowList ? text.Split(',') : [text];
            if (parts.Any(p => GroupText.ParseOrder(p) is null))
            {
                r.AddError($"--order '{text}' must be {(allowList ? "a comma-separated list of " : "")}none, fifo or total");
            }
        });
        return option;
    }

    /// <summary>Adds --cluster, --silos and --json to <paramref name="command"/> and runs <paramref name="body"/> on the cluster.</summary>
    public static Command WithCluster(Command command, CommonOptions common, Func<ParseResult, IClusterClient, CancellationToken, Task<object>> body)
    {
        var where = new ExperimentClusterOptions(defaultSilos: 3);
        where.AddTo(command);
        var json = new Option<string>("--json") { Description = "Also write the result as JSON to this file", HelpName = "file" };
        command.Options.Add(json);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, silos) = where.Read(parse);
            await using var cluster = await ExperimentCluster.StartAsync(common.Read(parse), useCluster, silos, Console.Error, ct, TolerantMembership);
            var result = await body(parse, cluster.Client, ct);
            if (parse.GetValue(json) is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, GroupText.JsonOptions), CancellationToken.None);
            }
        }));
        return command;
    }

    /// <summary>
    /// The embedded silos share one process, so none can crash alone: fast failure detection buys nothing there, while on a
    /// starved machine (thread-pool stalls of seconds) it declared a silo dead and Orleans then ended the whole process in
    /// the middle of a measurement. Orleans' default probe timing instead (5 s probes, 3 missed).
    /// </summary>
    private static void TolerantMembership(int index, ISiloBuilder silo) =>
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(5);
            o.NumMissedProbesLimit = 3;
        });

    /// <summary>Runs a grain call, turning the grains' refusals (no such group, bad name) into a command failure.</summary>
    public static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new CommandFailedException(ex.Message, ex);
        }
    }

    public static async Task Call(Func<Task> call) => await Call(async () =>
    {
        await call();
        return true;
    });

    private static Argument<string> GroupArgument()
    {
        var argument = new Argument<string>("G") { Description = "Group name (letters, digits, '.', '_', '-'); 'all' is every member" };
        argument.Validators.Add(r => Check(r, GroupNames.CheckName(r.GetValueOrDefault<string>(), "group")));
        return argument;
    }

    private static Argument<string> MemberArgument()
    {
        var argument = new Argument<string>("M") { Description = "Member name (letters, digits, '.', '_', '-')" };
        argument.Validators.Add(r => Check(r, GroupNames.CheckName(r.GetValueOrDefault<string>(), "member")));
        return argument;
    }

    private static void Check(System.CommandLine.Parsing.SymbolResult result, string? error)
    {
        if (error is not null)
        {
            result.AddError(error);
        }
    }
}
