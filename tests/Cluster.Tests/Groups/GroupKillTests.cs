using System.Diagnostics;
using Dist.GrainInterfaces.Groups;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Groups;

/// <summary>
/// Group communication across real silo processes on one SQLite file (membership and grain state, so state survives a
/// crash): the silo hosting some members, or the one hosting the sender, is killed with SIGKILL in the middle of a run.
/// Grains are placed with Orleans' placement hint so that the victim hosts exactly what the test means to kill.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class GroupKillTests(ITestOutputHelper output)
{
    private const string Group = "g";

    [Fact]
    public async Task AMemberWhoseSiloIsKilledGetsEveryMessageInOrderAndTheOthersKeepReceiving()
    {
        const int PerSender = 100;
        var clusterId = "groups-member-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "groups");
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fastMembership: true);
        await using var test = await TestClient.ConnectAsync(clusterId, silos.Gateways, TimeSpan.FromSeconds(10));
        var client = test.Client;
        var placement = await GroupPlacement.ReadAsync(client);

        // silo0: the group and sender s0; silo1: sender s1; members m0..m5 round-robin, so silo2 hosts m2 and m5 only
        await placement.OnSiloAsync("silo0", () => client.GetGrain<IGroupGrain>(Group).Create());
        string[] senders = ["s0", "s1"];
        var members = Enumerable.Range(0, 6).Select(i => $"m{i}").ToList();
        for (var i = 0; i < senders.Length; i++)
        {
            await placement.OnSiloAsync($"silo{i}", () => client.GetGrain<IMemberGrain>(senders[i]).Register());
        }

        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            await placement.OnSiloAsync($"silo{i % 3}", () => client.GetGrain<IMemberGrain>(member).Register());
            await client.GetGrain<IGroupGrain>(Group).Join(member);
        }

        var victims = new List<string>();
        foreach (var member in members)
        {
            if ((await client.GetGrain<IMemberGrain>(member).GetInfo()).Silo == "silo2")
            {
                victims.Add(member);
            }
        }

        Assert.Equal(["m2", "m5"], victims);
        Assert.Equal("silo0", (await client.GetGrain<IGroupGrain>(Group).GetInfo()).Silo);
        var survivors = members.Except(victims).ToList();

        // both senders at a steady pace, fifo and total alternating; silo2 dies a third of the way. The senders go on
        // until the survivors' logs have been counted twice: a count may wait out a call lost with silo2's gateway, and
        // a fixed number of sends could be over by then (seen on a quiet machine)
        var killed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var sending = senders.Select(sender => Task.Run(async () =>
        {
            var sent = 0;
            for (var k = 0; k < PerSender || (!counted.Task.IsCompleted && k < 20 * PerSender); k++)
            {
                var order = k % 2 == 0 ? DeliveryOrder.Fifo : DeliveryOrder.Total;
                await ClusterClients.RetryAsync(() => client.GetGrain<IMemberGrain>(sender).Send(Group, order, $"{sender} #{k}"), TimeSpan.FromSeconds(60));
                sent++;
                if (k == PerSender / 3)
                {
                    if (sender == "s0")
                    {
                        var victim = silos.Processes.Single(p => p.Name == "silo2");
                        victim.Kill();
                        killed.SetResult(clock.Elapsed);
                    }
                    else
                    {
                        await killed.Task;
                    }
                }

                await Task.Delay(k >= PerSender / 3 ? 60 : 10);
            }

            return sent;
        })).ToList();

        var killedAt = await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var survivorCounts = await CountsAsync(client, survivors);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var survivorCountsLater = await CountsAsync(client, survivors);
        counted.SetResult();
        Report.Measured(output, $"[groups] silo2 (m2, m5) killed at {killedAt.TotalSeconds:0.00} s; survivors' logs {string.Join("/", survivorCounts)} -> {string.Join("/", survivorCountsLater)} 3 s later");
        Assert.All(survivorCounts.Zip(survivorCountsLater), c => Assert.True(c.Second > c.First, "a surviving member stopped receiving while silo2 was down"));

        var sentBySender = await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(120));
        var expected = sentBySender.Sum();
        var complete = await WaitForAsync(client, members, expected, TimeSpan.FromSeconds(90));
        Report.Measured(output, $"[groups] every member has all {expected} messages ({string.Join(" + ", sentBySender)} sent) {complete.TotalSeconds:0.0} s after the kill+sends ({clock.Elapsed.TotalSeconds:0.0} s into the run)");

        var logs = new Dictionary<string, List<LogEntry>>();
        foreach (var member in members)
        {
            logs[member] = await GroupLogs.ReadAsync(client, member);
        }

        foreach (var victim in victims)
        {
            var info = await client.GetGrain<IMemberGrain>(victim).GetInfo();
            Assert.NotEqual("silo2", info.Silo);
            output.WriteLine($"{victim} now on {info.Silo}");
        }

        Assert.Empty(members.SelectMany(m => GroupLogs.OrderViolations(m, logs[m], Group)));
        Assert.All(members, m => Assert.Equal(expected, logs[m].Count));
        var reference = logs["m0"].Where(e => e.Message.Order == DeliveryOrder.Total).Select(e => e.Message.MessageId).ToList();
        Assert.All(members, m => Assert.Equal(reference, logs[m].Where(e => e.Message.Order == DeliveryOrder.Total).Select(e => e.Message.MessageId)));

        // the real client on the running cluster reads the victim's log back from storage
        var gateways = silos.Processes.Where(p => !p.HasExited).SelectMany(p => new[] { "--gateway", $"127.0.0.1:{p.GatewayPort}" });
        var (exitCode, stdout, stderr, _) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60),
            ["group", "log", "m2", "--cluster", "--cluster-id", clusterId, .. gateways]);
        Assert.True(exitCode == 0, stderr);
        Assert.Contains($"member m2 on silo", stdout, StringComparison.Ordinal);
        Assert.Contains($"{expected} delivered, 0 held back", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSendersSiloKilledMidMulticastLeavesEveryMemberWithTheSameMessages()
    {
        const int Sends = 100;
        var clusterId = "groups-sender-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "groups");
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fastMembership: true);
        await using var test = await TestClient.ConnectAsync(clusterId, silos.Gateways, TimeSpan.FromSeconds(5));
        var client = test.Client;
        var placement = await GroupPlacement.ReadAsync(client);

        // the sender alone on silo2; the group and the members on silo0 and silo1
        await placement.OnSiloAsync("silo0", () => client.GetGrain<IGroupGrain>(Group).Create());
        await placement.OnSiloAsync("silo2", () => client.GetGrain<IMemberGrain>("sender").Register());
        var members = Enumerable.Range(0, 4).Select(i => $"m{i}").ToList();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            await placement.OnSiloAsync($"silo{i % 2}", () => client.GetGrain<IMemberGrain>(member).Register());
            await client.GetGrain<IGroupGrain>(Group).Join(member);
        }

        Assert.Equal("silo2", (await client.GetGrain<IMemberGrain>("sender").GetInfo()).Silo);

        // four streams of sends; silo2 dies after 30 were acknowledged, with sends in flight; the streams go on (failing
        // until the sender is back on another silo)
        var sender = client.GetGrain<IMemberGrain>("sender");
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var failedTexts = new System.Collections.Concurrent.ConcurrentBag<string>();
        var next = 0;
        var killing = 0;
        var killed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var m0 = client.GetGrain<IMemberGrain>("m0");
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var k && k <= Sends)
            {
                var text = $"burst #{k}";
                try
                {
                    var receipt = await sender.Send(Group, DeliveryOrder.Total, text);
                    acknowledged[receipt.MessageId] = text;
                    // >= and a flag, not == 30: four workers can take the count from 29 to 31 between two checks
                    // m0's count is read before the kill: a call after it may go out through silo2's dead gateway and fail
                    if (acknowledged.Count >= 30 && Interlocked.Exchange(ref killing, 1) == 0)
                    {
                        var deliveredBeforeKill = (await m0.GetInfo()).Delivered;
                        silos.Processes.Single(p => p.Name == "silo2").Kill();
                        killed.TrySetResult(deliveredBeforeKill);
                    }
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    failedTexts.Add(text);
                    await Task.Delay(200);
                }
            }
        })).ToList();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(180));
        var killedAt = await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var failed = failedTexts.Count;

        // the sender comes back (any call reactivates it from storage) and hands over what it had persisted
        var info = await ClusterClients.RetryAsync(() => sender.GetInfo(), TimeSpan.FromSeconds(60));
        Assert.NotEqual("silo2", info.Silo);
        var settled = await WaitUntilSettledAsync(client, members, TimeSpan.FromSeconds(60));
        var logs = new Dictionary<string, List<LogEntry>>();
        foreach (var member in members)
        {
            logs[member] = await GroupLogs.ReadAsync(client, member);
        }

        var delivered = logs["m0"].Select(e => e.Message.MessageId).ToList();
        var deliveredTexts = logs["m0"].Select(e => e.Message.Text).ToHashSet();
        var failedButDelivered = failedTexts.Count(deliveredTexts.Contains);
        Report.Measured(output,
            $"[groups] sender's silo killed after 30 acknowledged sends (m0 had {killedAt} delivered): {acknowledged.Count} of {Sends} sends acknowledged, {failed} failed at the client "
            + $"({failedButDelivered} of those delivered anyway: persisted by the sender before the kill); every member has the same {delivered.Count} messages in the same order "
            + $"(settled {settled.TotalSeconds:0.0} s after the sender came back on {info.Silo})");
        Assert.All(members, m => Assert.Equal(delivered, logs[m].Select(e => e.Message.MessageId)));
        Assert.Empty(members.SelectMany(m => GroupLogs.OrderViolations(m, logs[m], Group)));
        Assert.Subset(delivered.ToHashSet(), acknowledged.Keys.ToHashSet());
        Assert.Equal(acknowledged.Count + failedButDelivered, delivered.Count);
        Assert.True(failed > 0, "the kill should have caught some sends in flight");
        Assert.Equal(0, (await sender.GetInfo()).OutboxPending);
    }

    private static async Task<List<long>> CountsAsync(IClusterClient client, IEnumerable<string> members)
    {
        var counts = new List<long>();
        foreach (var member in members)
        {
            counts.Add((await ClusterClients.RetryAsync(() => client.GetGrain<IMemberGrain>(member).GetInfo())).Delivered);
        }

        return counts;
    }

    private static async Task<TimeSpan> WaitForAsync(IClusterClient client, IReadOnlyList<string> members, long expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var counts = await CountsAsync(client, members);
            if (counts.All(c => c >= expected))
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"members' logs {string.Join("/", counts)} of {expected} after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Until the group's outbox is empty and the members' counts stop moving.</summary>
    private static async Task<TimeSpan> WaitUntilSettledAsync(IClusterClient client, IReadOnlyList<string> members, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        List<long>? previous = null;
        while (clock.Elapsed < timeout)
        {
            var group = await ClusterClients.RetryAsync(() => client.GetGrain<IGroupGrain>(Group).GetInfo());
            var counts = await CountsAsync(client, members);
            if (group.PendingMessages == 0 && previous is not null && previous.SequenceEqual(counts) && counts.Distinct().Count() == 1)
            {
                return clock.Elapsed;
            }

            previous = counts;
            await Task.Delay(1000);
        }

        throw new TimeoutException($"the group did not settle within {timeout.TotalSeconds:0} s");
    }
}
