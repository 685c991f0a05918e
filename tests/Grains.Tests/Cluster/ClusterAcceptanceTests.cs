using Orleans.TestingHost;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>Orleans' guarantees the product relies on, checked on a 3-silo TestingHost cluster with our test grains.</summary>
public sealed class ClusterAcceptanceTests(ThreeSiloClusterFixture fixture) : IClassFixture<ThreeSiloClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task The_test_grains_of_this_assembly_run_on_every_silo()
    {
        var silos = Cluster.Silos.Select(s => s.SiloAddress).ToList();
        Assert.Equal(3, silos.Count);
        var callers = await CallersAsync("where", silos);
        Assert.Equal(silos, await Task.WhenAll(callers.Select(c => c.Silo())));
    }

    [Fact]
    public async Task A_grain_called_at_once_from_two_silos_and_a_client_has_exactly_one_activation()
    {
        var callers = await CallersAsync("identity", [.. Cluster.Silos.Take(2).Select(s => s.SiloAddress)]);
        const int CallsPerCaller = 20;

        // fresh keys, so every round races the first activation; rounds run at once
        var keys = Enumerable.Range(0, 10).Select(i => $"one-activation-{i}-{Guid.NewGuid():N}").ToList();
        var rounds = await Task.WhenAll(keys.Select(async key =>
        {
            var fromClient = Task.WhenAll(Enumerable.Range(0, CallsPerCaller).Select(_ => Cluster.Client.GetGrain<IIdentityGrain>(key).WhoAmI()));
            var fromSilos = callers.Select(c => c.WhoIs(key, CallsPerCaller));
            var answers = await Task.WhenAll(fromSilos.Append(fromClient));
            return (Key: key, Answers: answers.SelectMany(a => a).ToList());
        })).WaitAsync(Timeout);

        foreach (var (key, answers) in rounds)
        {
            Assert.Equal(3 * CallsPerCaller, answers.Count);
            Assert.Single(answers.Select(a => a.Activation).Distinct());
            Assert.Single(answers.Select(a => a.ActivationId).Distinct());
            Assert.Single(answers.Select(a => a.RuntimeIdentity).Distinct());
            Assert.Single(answers.Select(a => a.Silo).Distinct());
            // OnActivateAsync ran once for the key in the whole cluster (the silos share this process's statics)
            Assert.Equal(1, IdentityGrain.Activations[key]);
        }
    }

    [Fact]
    public async Task A_thousand_concurrent_increments_of_a_non_reentrant_counter_lose_none()
    {
        var callers = await CallersAsync("counter", [.. Cluster.Silos.Take(2).Select(s => s.SiloAddress)]);
        var key = $"counter-{Guid.NewGuid():N}";
        var counter = Cluster.Client.GetGrain<ICounterGrain>(key);

        // 400 from the client and 300 from each of two silos, all in flight at once
        var fromClient = Task.WhenAll(Enumerable.Range(0, 400).Select(_ => counter.Increment()));
        var results = await Task.WhenAll(callers[0].Increment(key, 300), callers[1].Increment(key, 300), fromClient).WaitAsync(Timeout);

        // every increment saw its own value: none was lost, none counted twice
        Assert.Equal(Enumerable.Range(1, 1000), results.SelectMany(r => r).Order());
        var snapshot = await counter.Get();
        Assert.Equal(1000, snapshot.Value);
        Assert.Equal(1, snapshot.MaxConcurrentIncrements);
    }

    /// <summary>One caller grain on each of <paramref name="silos"/>, activated there.</summary>
    private async Task<ICallerGrain[]> CallersAsync(string prefix, IReadOnlyList<SiloAddress> silos)
    {
        var callers = new ICallerGrain[silos.Count];
        for (var i = 0; i < silos.Count; i++)
        {
            var caller = Cluster.Client.GetGrain<ICallerGrain>($"{prefix}-{i}-{Guid.NewGuid():N}");
            Assert.Equal(silos[i], await TestClusters.OnSiloAsync(silos[i], caller.Silo).WaitAsync(Timeout));
            callers[i] = caller;
        }

        return callers;
    }
}
