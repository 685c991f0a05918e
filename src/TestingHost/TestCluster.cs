using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Client;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Persistence;

namespace OrleansDist.TestingHost;

/// <summary>
/// Several silos in this process, each with its own host and service provider, talking over loopback TCP and sharing
/// an in-memory membership table (no primary silo). <see cref="KillSiloAsync"/> drops a silo without a goodbye.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly Action<ISiloBuilder>[] _siloConfigurations;
    private readonly Action<IClientBuilder>[] _clientConfigurations;
    private readonly List<SiloHandle> _silos = [];
    private readonly InMemoryMembershipTable _table = new();
    private ClusterClient? _client;
    private int _siloCounter;

    internal TestCluster(TestClusterOptions options, Action<ISiloBuilder>[] siloConfigurations, Action<IClientBuilder>[] clientConfigurations)
    {
        _options = options;
        _siloConfigurations = siloConfigurations;
        _clientConfigurations = clientConfigurations;
    }

    public TestClusterOptions Options => _options;

    /// <summary>Grain storage shared by every silo of this cluster ("Default"), so state survives a silo's death.</summary>
    public InMemoryGrainStorage SharedStorage { get; } = new();

    public IMembershipTable MembershipTable => _table;

    public IReadOnlyList<SiloHandle> Silos
    {
        get
        {
            lock (_silos)
            {
                return [.. _silos];
            }
        }
    }

    public IClusterClient Client => _client ?? throw new InvalidOperationException("Call DeployAsync first");

    public ClusterClient ClusterClient => _client ?? throw new InvalidOperationException("Call DeployAsync first");

    public IGrainFactory GrainFactory => Client;

    public async Task DeployAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < _options.InitialSilosCount; i++)
        {
            await StartAdditionalSiloAsync(cancellationToken).ConfigureAwait(false);
        }

        await WaitForLivenessToStabilizeAsync().ConfigureAwait(false);
        _client = await CreateClientAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new client of this cluster (the cluster's own <see cref="Client"/> already exists).</summary>
    public Task<ClusterClient> CreateClientAsync(CancellationToken cancellationToken = default) =>
        ClientHostingExtensions.ConnectClientAsync(client =>
        {
            client.UseGatewayListProvider(new TestGatewayListProvider(this));
            client.Configure<ClusterOptions>(o => o.ClusterId = _options.ClusterId);
            client.Configure<MessagingOptions>(o => o.ResponseTimeout = _options.ResponseTimeout);
            client.Configure<ClientOptions>(o => o.MaxReconnectBackoff = TimeSpan.FromMilliseconds(500));
            foreach (var configure in _clientConfigurations)
            {
                configure(client);
            }
        }, cancellationToken: cancellationToken);

    public async Task<SiloHandle> StartAdditionalSiloAsync(CancellationToken cancellationToken = default)
    {
        var index = Interlocked.Increment(ref _siloCounter) - 1;
        var name = $"silo{index}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("ORLEANSDIST_TEST_LOG") is { Length: > 0 } level && Enum.TryParse<LogLevel>(level, ignoreCase: true, out var minimum))
        {
            // ORLEANSDIST_TEST_LOG=Debug (or Information, ...) shows the silos' logs on the console while a test runs
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(minimum);
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        builder.UseOrleansDist(silo =>
        {
            silo.UseInMemoryClustering(_table);
            silo.AddMemoryGrainStorage(Persistence.GrainStorageNames.Default, SharedStorage);
            silo.Configure<SiloOptions>(o =>
            {
                o.SiloName = name;
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = 0;
                o.GatewayPort = 0;
                o.GatewayPortAutomatic = _options.GatewayOnEverySilo || index == 0;
                o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _options.ClusterId;
                o.ServiceId = _options.ServiceId;
            });
            silo.Configure<MessagingOptions>(o => o.ResponseTimeout = _options.ResponseTimeout);
            if (_options.UseFastMembership)
            {
                silo.Configure<ClusterMembershipOptions>(o => o.UseFastProfile());
            }

            foreach (var configure in _siloConfigurations)
            {
                configure(silo);
            }
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var handle = new SiloHandle(name, host);
        lock (_silos)
        {
            _silos.Add(handle);
        }

        return handle;
    }

    /// <summary>Graceful stop: grains deactivate, the silo leaves the table as Dead.</summary>
    public async Task StopSiloAsync(SiloHandle silo)
    {
        Remove(silo);
        await silo.Host.StopAsync().ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>Abrupt stop: connections dropped, no goodbye, the table still says Active until others notice.</summary>
    public async Task KillSiloAsync(SiloHandle silo)
    {
        Remove(silo);
        await silo.Silo.KillAsync().ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>Stops a silo gracefully and starts a new one (a new generation).</summary>
    public async Task<SiloHandle> RestartSiloAsync(SiloHandle silo)
    {
        await StopSiloAsync(silo).ConfigureAwait(false);
        return await StartAdditionalSiloAsync().ConfigureAwait(false);
    }

    /// <summary>Waits until every running silo sees exactly the running silos as Active.</summary>
    public async Task WaitForLivenessToStabilizeAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var running = Silos.Select(s => s.Silo.SiloAddress).ToHashSet();
            if (Silos.All(s => s.Silo.Membership.Current.ActiveSilos.ToHashSet().SetEquals(running)))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Membership did not stabilize: " + string.Join("; ", Silos.Select(s => $"{s.Name} sees [{string.Join(", ", s.Silo.Membership.Current.ActiveSilos)}]")));
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private void Remove(SiloHandle silo)
    {
        lock (_silos)
        {
            _silos.Remove(silo);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var silo in Silos)
        {
            await silo.Silo.KillAsync().ConfigureAwait(false);
            silo.Host.Dispose();
        }
    }

    private sealed class TestGatewayListProvider(TestCluster cluster) : IGatewayListProvider
    {
        public TimeSpan RefreshPeriod => TimeSpan.FromSeconds(1);

        public Task<IReadOnlyList<IPEndPoint>> GetGatewaysAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IPEndPoint>>([.. cluster.Silos.Select(s => s.Silo.GatewayEndpoint).OfType<IPEndPoint>()]);
    }
}

/// <summary>One silo of a <see cref="TestCluster"/>.</summary>
public sealed class SiloHandle(string name, IHost host)
{
    public string Name { get; } = name;

    public IHost Host { get; } = host;

    public Silo Silo { get; } = host.Services.GetRequiredService<Silo>();

    public IServiceProvider ServiceProvider => Host.Services;

    public SiloAddress SiloAddress => Silo.SiloAddress;

    public override string ToString() => $"{Name} {SiloAddress}";
}
