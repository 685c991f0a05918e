using OrleansDist.Grains.Placement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;
using OrleansDist.AdoNet;
using OrleansDist.Hosting;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>
/// Orleans' TestingHost clusters (<see cref="TestClusterBuilder"/>) for the acceptance tests: silos in this process on
/// TestingHost's in-memory transport, Orleans' development clustering (silo 0, "Primary", keeps the membership table:
/// never stop it) and Orleans' own grain directory.
/// </summary>
internal static class TestClusters
{
    /// <summary>The test-cluster property (read by <see cref="SiloConfigurator"/>) that names a SQLite file for grain state.</summary>
    public const string SqliteStorageKey = "OrleansDistTests:SqliteStorage";

    /// <param name="silos">How many silos.</param>
    /// <param name="sqliteStorage">A SQLite file for the default grain storage (through src/AdoNet); null: no grain storage.</param>
    public static TestClusterBuilder Builder(short silos, string? sqliteStorage = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        if (sqliteStorage is not null)
        {
            builder.Properties[SqliteStorageKey] = sqliteStorage;
        }

        return builder;
    }

    /// <summary>Builds and deploys within a minute; a cluster that fails to deploy is disposed.</summary>
    public static async Task<TestCluster> DeployAsync(TestClusterBuilder builder)
    {
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            await DisposeAsync(cluster);
            throw;
        }
    }

    public static async Task DisposeAsync(TestCluster cluster) => await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Calls <paramref name="call"/> with a placement hint: a grain it activates first is placed on <paramref name="silo"/>.</summary>
    public static async Task<T> OnSiloAsync<T>(SiloAddress silo, Func<Task<T>> call)
    {
        // set inside this async method: the hint does not flow back into the caller's later calls
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>Retries <paramref name="call"/> while the cluster settles after a silo stop (calls to its grains fail meanwhile).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                return await call().WaitAsync(deadline.Token);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(200, deadline.Token);
            }
        }
    }

    /// <summary>
    /// What OrleansDist.Hosting's <c>UseOrleansDist</c> sets on a silo, apart from clustering and endpoints (TestingHost's):
    /// the fast membership profile, Orleans' activity propagation, machine-bound placement, a TimeProvider, and the SQLite storage when asked for.
    /// </summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Configure<ClusterMembershipOptions>(MembershipProfile.ApplyFast);
            siloBuilder.AddActivityPropagation();
            siloBuilder.AddMachineBoundPlacement();
            siloBuilder.Services.TryAddSingleton(TimeProvider.System);
            if (siloBuilder.Configuration[SqliteStorageKey] is { Length: > 0 } path)
            {
                siloBuilder.AddOrleansDistGrainStorage(ClusterDefaults.GrainStorage, AdoNetConnection.Sqlite(path));
            }
        }
    }

    /// <summary>A client that gives up on a call after 10 s rather than Orleans' 30.</summary>
    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder)
        {
            clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            clientBuilder.AddActivityPropagation();
        }
    }
}

/// <summary>A 3-silo TestingHost cluster shared by the tests of one class; disposed after them.</summary>
public sealed class ThreeSiloClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed");

    public async Task InitializeAsync() => _cluster = await TestClusters.DeployAsync(TestClusters.Builder(3));

    public async Task DisposeAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await TestClusters.DisposeAsync(cluster);
        }
    }
}
