using Dist.GrainInterfaces.Groups;
using OrleansDist.Grains.Groups;
using OrleansDist.Client.Groups;
using OrleansDist.Hosting;

namespace OrleansDist.Grains.Tests.Groups;

/// <summary>The groups on an embedded cluster of three silos (real TCP between them): the experiment per mode, unicast, leave, watchers.</summary>
public sealed class GroupClusterTests(GroupClusterFixture fixture) : IClassFixture<GroupClusterFixture>
{
    private readonly EmbeddedCluster _cluster = fixture.Cluster;

    [Theory]
    [InlineData(DeliveryOrder.None)]
    [InlineData(DeliveryOrder.Fifo)]
    [InlineData(DeliveryOrder.Total)]
    public async Task TheExperimentsGuaranteesHoldOnOverlappingGroups(DeliveryOrder order)
    {
        var experiment = new GroupExperiment(_cluster.Client, TextWriter.Null);
        var result = await experiment.RunAsync($"t-{order}", new GroupExperiment.Settings(6, 3, 3, 120, Broadcast: false, TimeSpan.FromSeconds(60)), order, CancellationToken.None);
        Assert.True(result.Check.Ok, string.Join("\n", result.Check.Problems));
        Assert.Equal(result.ExpectedDeliveries, result.Deliveries);
        Assert.Equal(6 * 120 * 2 / 3, result.Deliveries);
    }

    [Fact]
    public async Task ABroadcastReachesEveryMemberAndTheMembersLeaveAllAfterwards()
    {
        var experiment = new GroupExperiment(_cluster.Client, TextWriter.Null);
        var result = await experiment.RunAsync("t-all", new GroupExperiment.Settings(20, 1, 2, 30, Broadcast: true, TimeSpan.FromSeconds(60)), DeliveryOrder.Total, CancellationToken.None);
        Assert.True(result.Check.Ok, string.Join("\n", result.Check.Problems));
        Assert.Equal(20 * 30, result.Deliveries);
        var all = await _cluster.Client.GetGrain<IGroupGrain>(GroupNames.All).GetInfo();
        Assert.DoesNotContain(all.Members, m => m.StartsWith("t-all-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUnicastReachesOnlyItsMemberInFifoOrder()
    {
        var client = _cluster.Client;
        await client.GetGrain<IMemberGrain>("u-other").Register();
        var receipts = new List<SendReceipt>();
        for (var i = 0; i < 5; i++)
        {
            receipts.Add(await client.GetGrain<IMemberGrain>("u-sender").Send(GroupNames.Unicast("u-bob"), DeliveryOrder.Fifo, $"hi {i}"));
        }

        var found = await GroupCommands.WaitForDeliveryAsync(client, ["u-bob"], receipts[^1].MessageId, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(found.ContainsKey("u-bob"));
        var log = await GroupCommands.ReadLogAsync(client.GetGrain<IMemberGrain>("u-bob"));
        Assert.Equal(["hi 0", "hi 1", "hi 2", "hi 3", "hi 4"], log.Select(e => e.Message.Text));
        Assert.Equal([1L, 2, 3, 4, 5], log.Select(e => e.Message.FifoSeq));
        Assert.Empty(await GroupCommands.ReadLogAsync(client.GetGrain<IMemberGrain>("u-other")));
    }

    [Fact]
    public async Task AMemberThatLeftGetsNothingMoreAndARejoinStartsAfresh()
    {
        var client = _cluster.Client;
        var group = client.GetGrain<IGroupGrain>("l-g");
        await group.Create();
        await group.Join("l-a");
        await group.Join("l-b");
        var first = await client.GetGrain<IMemberGrain>("l-a").Send("l-g", DeliveryOrder.Total, "one");
        await GroupCommands.WaitForDeliveryAsync(client, ["l-a", "l-b"], first.MessageId, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(await group.Leave("l-b"));
        var second = await client.GetGrain<IMemberGrain>("l-a").Send("l-g", DeliveryOrder.Total, "two");
        await GroupCommands.WaitForDeliveryAsync(client, ["l-a"], second.MessageId, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(await group.Join("l-b"));
        var third = await client.GetGrain<IMemberGrain>("l-a").Send("l-g", DeliveryOrder.Total, "three");
        var found = await GroupCommands.WaitForDeliveryAsync(client, ["l-a", "l-b"], third.MessageId, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Equal(2, found.Count);
        var b = await GroupCommands.ReadLogAsync(client.GetGrain<IMemberGrain>("l-b"));
        Assert.Equal(["one", "three"], b.Select(e => e.Message.Text));
        Assert.Equal([1L, 3], b.Select(e => e.Message.TotalSeq));
        Assert.Equal(0, (await client.GetGrain<IMemberGrain>("l-b").GetInfo()).HeldBack);
    }

    [Fact]
    public async Task SendingToAGroupThatDoesNotExistIsRefusedAtOnce()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _cluster.Client.GetGrain<IMemberGrain>("n-a").Send("n-nosuch", DeliveryOrder.None, "x"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _cluster.Client.GetGrain<IGroupGrain>("n-nosuch").Join("n-a"));
        Assert.Equal(0, (await _cluster.Client.GetGrain<IMemberGrain>("n-a").GetInfo()).OutboxPending);
    }

    [Fact]
    public async Task AMulticastIsOneTraceWithASpanPerDelivery()
    {
        using var collector = new ActivityCollector(GroupsTelemetry.SourceName);
        var client = _cluster.Client;
        var group = client.GetGrain<IGroupGrain>("tr-g");
        await group.Create();
        foreach (var member in new[] { "tr-a", "tr-b", "tr-c" })
        {
            await group.Join(member);
        }

        var receipt = await client.GetGrain<IMemberGrain>("tr-a").Send("tr-g", DeliveryOrder.Total, "traced");
        await GroupCommands.WaitForDeliveryAsync(client, ["tr-a", "tr-b", "tr-c"], receipt.MessageId, TimeSpan.FromSeconds(20), CancellationToken.None);
        await Task.Delay(200);

        var spans = collector.Activities;
        var multicast = Assert.Single(spans, s => s.OperationName == "multicast tr-g");
        var deliveries = spans.Where(s => s.OperationName == "deliver" && s.TraceId == multicast.TraceId).ToList();
        Assert.Equal(["tr-a", "tr-b", "tr-c"], deliveries.Select(d => (string)d.GetTagItem("orleansdist.group.member")!).Order());
        Assert.All(deliveries, d => Assert.Equal(multicast.SpanId, d.ParentSpanId));
        Assert.Equal(default, multicast.ParentSpanId);
    }

    [Fact]
    public async Task AWatcherSeesEveryDeliveryLive()
    {
        var client = _cluster.Client;
        var output = new StringWriter();
        var watcher = new MemberWatcher(TextWriter.Synchronized(output), stopAfter: 3);
        var reference = client.CreateObjectReference<IMemberObserver>(watcher);
        await client.GetGrain<IMemberGrain>("w-m").Subscribe(reference);
        for (var i = 0; i < 3; i++)
        {
            await client.GetGrain<IMemberGrain>("w-s").Send(GroupNames.Unicast("w-m"), DeliveryOrder.Fifo, $"live {i}");
        }

        await watcher.Done.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, watcher.Count);
        Assert.Contains("from w-s to member:w-m  fifo #3", output.ToString(), StringComparison.Ordinal);
        await client.GetGrain<IMemberGrain>("w-m").Unsubscribe(reference);
        client.DeleteObjectReference<IMemberObserver>(reference);
    }
}

/// <summary>One embedded 3-silo cluster for all the tests above (each uses its own member and group names).</summary>
public sealed class GroupClusterFixture : IAsyncLifetime
{
    public EmbeddedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await EmbeddedCluster.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
