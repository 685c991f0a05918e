using OrleansDist.Runtime.Hosting;
using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

/// <summary>Acceptance for the call semantics on a 3-silo cluster.</summary>
public sealed class GrainCallSemanticsTests(ThreeSiloClusterFixture fixture) : IClassFixture<ThreeSiloClusterFixture>
{
    private OrleansDist.TestingHost.TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task GrainCalledFromTwoSilosAndClientHasExactlyOneActivation()
    {
        var key = "single-" + Guid.NewGuid();
        var fromClient = await Cluster.Client.GetGrain<ICounterGrain>(key).WhereAmI();
        var silos = Cluster.Silos;
        var fromSilo0 = await silos[0].Silo.GrainFactory.GetGrain<ICounterGrain>(key).WhereAmI();
        var fromSilo1 = await silos[1].Silo.GrainFactory.GetGrain<ICounterGrain>(key).WhereAmI();
        var concurrent = await Task.WhenAll(silos.SelectMany(s => Enumerable.Range(0, 20).Select(_ => s.Silo.GrainFactory.GetGrain<ICounterGrain>(key).WhereAmI())));

        Assert.Equal(fromClient, fromSilo0);
        Assert.Equal(fromClient, fromSilo1);
        Assert.All(concurrent, where => Assert.Equal(fromClient, where));
        var grainId = GrainId.Create(typeof(ICounterGrain).FullName!, key);
        Assert.Equal(1, silos.Count(s => s.Silo.Runtime.Catalog.IsActiveHere(grainId)));
    }

    [Fact]
    public async Task ConcurrentCallsOnNewGrainFromEverySiloCreateOneActivation()
    {
        var key = "race-" + Guid.NewGuid();
        var callers = Cluster.Silos.Select(s => s.Silo.GrainFactory).Append(Cluster.Client).ToList();
        var results = await Task.WhenAll(callers.SelectMany(f => Enumerable.Range(0, 10).Select(_ => f.GetGrain<ICounterGrain>(key).Increment())));

        Assert.Equal(Enumerable.Range(1, results.Length), results.OrderBy(x => x));
        var grainId = GrainId.Create(typeof(ICounterGrain).FullName!, key);
        Assert.Equal(1, Cluster.Silos.Count(s => s.Silo.Runtime.Catalog.IsActiveHere(grainId)));
    }

    [Fact]
    public async Task ThousandConcurrentIncrementsOnNonReentrantGrainLoseNone()
    {
        var grain = Cluster.Client.GetGrain<ICounterGrain>("thousand-" + Guid.NewGuid());
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => grain.Increment()));

        Assert.Equal(1000, await grain.Get());
        Assert.Equal(Enumerable.Range(1, 1000), results.OrderBy(x => x));
    }

    [Fact]
    public async Task ExceptionTypeAndMessageReachTheCaller()
    {
        var grain = Cluster.Client.GetGrain<IThrowingGrain>(Guid.NewGuid());

        var builtIn = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("the grain refused"));
        Assert.Equal("the grain refused", builtIn.Message);
        var custom = await Assert.ThrowsAsync<GrainFailedException>(() => grain.ThrowCustom("custom failure"));
        Assert.Equal("custom failure", custom.Message);
    }

    [Fact]
    public async Task ExceptionThroughGrainToGrainCallKeepsTypeAndMessage()
    {
        var silo = Cluster.Silos[2].Silo;
        var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(Guid.NewGuid());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("from silo"));
        Assert.Equal("from silo", ex.Message);
    }

    [Fact]
    public async Task OneWayCallReturnsAtOnceAndRuns()
    {
        var grain = Cluster.Client.GetGrain<IEchoGrain>(Random.Shared.NextInt64());
        await grain.Notify("hello");
        for (var i = 0; i < 100 && await grain.LastNotification() != "hello"; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal("hello", await grain.LastNotification());
    }

    [Fact]
    public async Task LargePayloadRoundTrips()
    {
        var payload = new byte[1024 * 1024];
        Random.Shared.NextBytes(payload);
        var echoed = await Cluster.Client.GetGrain<IEchoGrain>(Random.Shared.NextInt64()).EchoBytes(payload);
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task ObserverReceivesProgressFromGrain()
    {
        var observer = new ProgressCollector();
        var reference = Cluster.Client.CreateObjectReference<IProgressObserver>(observer);
        try
        {
            // a grain on whichever silo: callbacks are routed to the client's gateway through the directory
            await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Cluster.Client.GetGrain<IReporterGrain>($"reporter-{i}-{Guid.NewGuid()}").Run(reference, 5)));
        }
        finally
        {
            Cluster.Client.DeleteObjectReference<IProgressObserver>(observer);
        }

        Assert.Equal(30, observer.Reports.Count);
        Assert.Equal(6, observer.Reports.Count(r => r == (5, 5)));
    }

    [Fact]
    public async Task GrainTimerTicksAsTurnsOfTheGrain()
    {
        var grain = Cluster.Client.GetGrain<IReporterGrain>("timer-" + Guid.NewGuid());
        await grain.StartTimer(TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 100 && await grain.TimerTicks() < 3; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await grain.TimerTicks() >= 3);
    }

    [Fact]
    public async Task PlacementHintPinsGrainToNamedSilo()
    {
        foreach (var silo in Cluster.Silos)
        {
            using (Placement.PlacementHint.PinToSilo(silo.Name))
            {
                var where = await Cluster.Client.GetGrain<IPinnedGrain>("pinned-" + Guid.NewGuid()).SiloName();
                Assert.Equal(silo.Name, where);
            }
        }
    }

    [Fact]
    public async Task PinningToUnknownSiloGivesClearError()
    {
        using (Placement.PlacementHint.PinToSilo("no-such-silo"))
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.Client.GetGrain<IPinnedGrain>("pinned-" + Guid.NewGuid()).SiloName());
            Assert.Contains("no-such-silo", ex.Message);
        }
    }

    [Fact]
    public async Task RandomPlacementSpreadsGrainsOverSilos()
    {
        var where = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Cluster.Client.GetGrain<IPersistentCounterGrain>(Random.Shared.NextInt64()).WhereAmI()));
        Assert.Equal(3, where.Distinct().Count());
    }

    [Fact]
    public async Task UnknownGrainInterfaceGivesClearError()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.Client.GetGrain<INoImplementationGrain>("x").Nothing());
        Assert.Contains(typeof(INoImplementationGrain).FullName!, ex.Message);
    }

    private sealed class ProgressCollector : IProgressObserver
    {
        public List<(int Done, int Total)> Reports { get; } = [];

        public Task Progress(int done, int total)
        {
            lock (Reports)
            {
                Reports.Add((done, total));
            }

            return Task.CompletedTask;
        }
    }
}

public interface INoImplementationGrain : IGrainWithStringKey
{
    Task Nothing();
}
