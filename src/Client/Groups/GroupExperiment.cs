using System.Diagnostics;
using System.Globalization;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>
/// One run of <c>experiment group</c> for one ordering mode: fresh members and groups (named after the run), every
/// member joined before the first send, then the senders send all messages at once; waits until every member has what
/// it should, reads every log and checks the guarantees. Broadcast runs send to <c>all</c>; their members leave
/// <c>all</c> afterwards so later runs broadcast to their own members only.
/// </summary>
internal sealed class GroupExperiment(IClusterClient client, TextWriter log)
{
    public sealed record Settings(int Members, int Groups, int Senders, int Messages, bool Broadcast, TimeSpan Timeout);

    public async Task<GroupModeResult> RunAsync(string runId, Settings settings, DeliveryOrder order, CancellationToken cancellationToken)
    {
        var members = Enumerable.Range(0, settings.Members).Select(i => $"{runId}-m{i}").ToList();
        var membership = new Dictionary<string, IReadOnlyCollection<string>>();
        await ForEachAsync(members, m => client.GetGrain<IMemberGrain>(m).Register(), cancellationToken);
        if (settings.Broadcast)
        {
            membership[GroupNames.All] = members;
        }
        else
        {
            for (var j = 0; j < settings.Groups; j++)
            {
                var group = $"{runId}-g{j}";
                await client.GetGrain<IGroupGrain>(group).Create();
                // overlapping groups: group j has every member whose index is not j modulo the group count
                var inGroup = members.Where((_, i) => settings.Groups == 1 || i % settings.Groups != j).ToList();
                await ForEachAsync(inGroup, m => client.GetGrain<IGroupGrain>(group).Join(m), cancellationToken);
                membership[group] = inGroup;
            }
        }

        var destinations = membership.Keys.Order(StringComparer.Ordinal).ToList();
        var sends = Enumerable.Range(0, settings.Messages)
            .Select(k => (Sender: members[k % settings.Senders], Destination: destinations[k % destinations.Count], Text: $"{runId} message {k}"))
            .ToList();
        var expected = members.ToDictionary(m => m, m => (long)sends.Count(s => membership[s.Destination].Contains(m)));
        var expectedTotal = expected.Values.Sum();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"[{GroupText.Name(order)}] {settings.Members} members, {(settings.Broadcast ? "broadcast to all" : $"{settings.Groups} groups of {string.Join("/", destinations.Select(d => membership[d].Count))}")}, {settings.Senders} senders, {settings.Messages} messages at once -> {expectedTotal} deliveries"));

        var clock = Stopwatch.StartNew();
        var receipts = await Task.WhenAll(sends.Select(s => client.GetGrain<IMemberGrain>(s.Sender).Send(s.Destination, order, s.Text)));
        var sendSeconds = clock.Elapsed.TotalSeconds;
        var sent = sends.Zip(receipts, (s, r) => new SentMessage(r.MessageId, s.Sender, s.Destination, order)).ToList();

        var delivered = await WaitForDeliveriesAsync(expected, clock, settings.Timeout, cancellationToken);
        var logs = new Dictionary<string, IReadOnlyList<LogEntry>>();
        foreach (var member in members)
        {
            logs[member] = await GroupCommands.ReadLogAsync(client.GetGrain<IMemberGrain>(member));
        }

        var check = GroupGuaranteeCheck.Check(sent, membership, logs);
        var entries = logs.Values.SelectMany(l => l).ToList();
        var seconds = entries.Count == 0 ? 0
            : TimeSpan.FromTicks(entries.Max(e => e.DeliveredAtTicks) - entries.Min(e => e.Message.SentAtTicks)).TotalSeconds;
        var result = new GroupModeResult(
            order, settings.Messages, expectedTotal, check.Deliveries, sendSeconds, seconds,
            LatencySummary.Of(entries.Select(GroupText.LatencyMs)), check);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"[{GroupText.Name(order)}] {result.Deliveries}/{expectedTotal} delivered in {seconds:0.00} s (all sends persisted by their senders after {sendSeconds:0.00} s); p50 {result.Latency.P50:0.0} ms, p99 {result.Latency.P99:0.0} ms; guarantees {(check.Ok ? "hold" : "VIOLATED")}{(delivered ? "" : " (timed out waiting)")}"));
        foreach (var problem in check.Problems)
        {
            await log.WriteLineAsync($"  violation: {problem}");
        }

        // later runs broadcast to their own members only
        await ForEachAsync(members, m => client.GetGrain<IGroupGrain>(GroupNames.All).Leave(m), cancellationToken);
        return result;
    }

    private async Task<bool> WaitForDeliveriesAsync(Dictionary<string, long> expected, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiting = new HashSet<string>(expected.Keys);
        var reported = clock.Elapsed;
        while (true)
        {
            var infos = await Task.WhenAll(waiting.Select(async m =>
            {
                try
                {
                    return (Member: m, Delivered: (await client.GetGrain<IMemberGrain>(m).GetInfo()).Delivered);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    return (Member: m, Delivered: -1L);
                }
            }));
            foreach (var (member, count) in infos)
            {
                if (count >= expected[member])
                {
                    waiting.Remove(member);
                }
            }

            if (waiting.Count == 0)
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                await log.WriteLineAsync($"  timed out after {timeout.TotalSeconds:0} s: {waiting.Count} members still waiting");
                return false;
            }

            if (clock.Elapsed - reported > TimeSpan.FromSeconds(5))
            {
                reported = clock.Elapsed;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0} s: {expected.Count - waiting.Count}/{expected.Count} members have everything"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="call"/> for every item, at most 64 at a time.</summary>
    private static async Task ForEachAsync(IEnumerable<string> items, Func<string, Task> call, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (item, _) => await call(item));
}
