using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDist.Runtime.Activation;
using OrleansDist.Runtime.Directory;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;

namespace OrleansDist.Runtime.Hosting;

/// <summary>
/// One silo process's runtime: listeners, message center, catalog, directory and membership. Started and stopped by
/// the host; <see cref="KillAsync"/> simulates a crash (no goodbye to anyone).
/// </summary>
public sealed partial class Silo : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly SiloOptions _options;
    private readonly ClusterOptions _cluster;
    private readonly MessagingOptions _messaging;
    private readonly ClusterMembershipOptions _membershipOptions;
    private readonly GrainCollectionOptions _collection;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private ConnectionListener? _siloListener;
    private ConnectionListener? _gatewayListener;
    private SiloRuntime? _runtime;
    private MembershipAgent? _agent;
    private int _stopped;

    public Silo(
        IServiceProvider services, IOptions<SiloOptions> options, IOptions<ClusterOptions> cluster, IOptions<MessagingOptions> messaging,
        IOptions<ClusterMembershipOptions> membership, IOptions<GrainCollectionOptions> collection, TimeProvider time, ILoggerFactory loggers)
    {
        _services = services;
        _options = options.Value;
        _cluster = cluster.Value;
        _messaging = messaging.Value;
        _membershipOptions = membership.Value;
        _collection = collection.Value;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("OrleansDist.Silo");
    }

    public SiloAddress SiloAddress => _runtime?.LocalSilo ?? throw new InvalidOperationException("The silo has not started");

    public string SiloName { get; private set; } = "";

    public IPEndPoint? GatewayEndpoint { get; private set; }

    public IServiceProvider Services => _services;

    public SiloStatus Status => _agent?.LocalStatus ?? SiloStatus.None;

    public IGrainFactory GrainFactory => _runtime?.GrainFactory ?? throw new InvalidOperationException("The silo has not started");

    /// <summary>Number of grain activations on this silo.</summary>
    public int ActivationCount => _runtime?.Catalog.ActivationCount ?? 0;

    internal SiloRuntime Runtime => _runtime ?? throw new InvalidOperationException("The silo has not started");

    internal MembershipAgent Membership => _agent ?? throw new InvalidOperationException("The silo has not started");

    /// <summary>Completes when the silo stopped for any reason (graceful, killed, or declared dead).</summary>
    public Task Stopped => _stoppedSource.Task;

    private readonly TaskCompletionSource _stoppedSource = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var generation = SiloAddress.NewGeneration(_time);
        var listenAddress = _options.ListenOnAnyHostAddress ? IPAddress.Any : _options.AdvertisedIPAddress;
        SiloRuntime? runtime = null;
        _siloListener = new ConnectionListener(
            new IPEndPoint(listenAddress, _options.SiloPort), "silo",
            remote => runtime!.ValidateInbound(remote, ConnectionRole.Silo),
            () => new Handshake(ConnectionRole.Silo, _cluster.ClusterId, runtime!.LocalSilo.ToString(), SiloName),
            connection => runtime!.OnSiloConnectionAccepted(connection),
            _messaging, _loggers.CreateLogger("OrleansDist.Runtime.Messaging"));
        var localSilo = new SiloAddress(new IPEndPoint(_options.AdvertisedIPAddress, _siloListener.LocalEndPoint.Port), generation);
        SiloName = string.IsNullOrEmpty(_options.SiloName) ? $"{Dns.GetHostName()}-{localSilo.Endpoint.Port}" : _options.SiloName;

        runtime = _runtime = new SiloRuntime(localSilo, SiloName, _cluster.ClusterId, _services, _messaging, _time, _loggers);
        var directory = new GrainDirectory(localSilo, runtime.GetSystemTarget<IRemoteGrainDirectory>);
        var assemblies = _services.GetServices<GrainAssembly>().Select(a => a.Assembly);
        var registry = new GrainTypeRegistry(GrainTypeRegistry.DiscoverAssemblies(assemblies));
        var catalog = new Catalog(runtime, registry, directory, _collection, _loggers.CreateLogger("OrleansDist.Runtime.Catalog"));

        var table = ResolveMembershipTable(runtime, localSilo);
        var gatewayPort = _options.GatewayPort != 0 || _options.GatewayPortAutomatic ? _options.GatewayPort : -1;
        if (gatewayPort >= 0)
        {
            _gatewayListener = new ConnectionListener(
                new IPEndPoint(listenAddress, gatewayPort), "client",
                remote => runtime.ValidateInbound(remote, ConnectionRole.Client),
                () => new Handshake(ConnectionRole.Silo, _cluster.ClusterId, localSilo.ToString(), SiloName),
                runtime.OnClientConnected,
                _messaging, _loggers.CreateLogger("OrleansDist.Runtime.Gateway"));
            GatewayEndpoint = new IPEndPoint(_options.AdvertisedIPAddress, _gatewayListener.LocalEndPoint.Port);
        }

        var self = new MembershipEntry
        {
            SiloAddress = localSilo,
            SiloName = SiloName,
            HostName = Dns.GetHostName(),
            ProxyPort = GatewayEndpoint?.Port ?? 0,
            StartTime = _time.GetUtcNow(),
            IAmAliveTime = _time.GetUtcNow(),
            Status = SiloStatus.Created,
        };
        _agent = new MembershipAgent(
            table, _membershipOptions, self, _cluster.ClusterId, _time, _loggers.CreateLogger("OrleansDist.Runtime.Membership"),
            runtime.GetSystemTarget<IMembershipProbe>, OnDeclaredDead);
        runtime.Initialize(catalog, directory, () => _agent.Current, () => _agent.LocalStatus);
        runtime.RegisterSystemTarget<IMembershipProbe>(_agent);
        runtime.SetHandoffDelay(_membershipOptions.TableRefreshPeriod * 2);
        _agent.SnapshotChanged += runtime.OnMembershipChanged;

        _siloListener.Start();
        try
        {
            await _agent.JoinAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await KillAsync().ConfigureAwait(false);
            throw;
        }

        _gatewayListener?.Start();
        LogStarted(_logger, SiloName, localSilo, GatewayEndpoint?.ToString() ?? "none", _cluster.ClusterId);
    }

    private IMembershipTable ResolveMembershipTable(SiloRuntime runtime, SiloAddress localSilo)
    {
        var table = _services.GetService<IMembershipTable>();
        if (table is not null)
        {
            return table;
        }

        var development = _services.GetService<IOptions<DevelopmentClusteringOptions>>()?.Value;
        if (development?.PrimarySiloEndpoint is not { } primary)
        {
            throw new InvalidOperationException("No clustering is configured: call UseLocalhostClustering, UseStaticClustering, UseSqliteClustering or UsePostgresClustering.");
        }

        if (primary.Equals(localSilo.Endpoint) || (primary.Address.Equals(IPAddress.Any) && primary.Port == localSilo.Endpoint.Port))
        {
            var local = new InMemoryMembershipTable();
            runtime.RegisterSystemTarget<IMembershipTableService>(new MembershipTableService(local));
            return local;
        }

        var primaryAddress = new SiloAddress(primary, 0);
        return new RemoteMembershipTable(() => runtime.GetSystemTarget<IMembershipTableService>(primaryAddress));
    }

    private void OnDeclaredDead()
    {
        _ = Task.Run(async () =>
        {
            await KillAsync().ConfigureAwait(false);
            _services.GetService<IHostApplicationLifetime>()?.StopApplication();
        });
    }

    /// <summary>
    /// Graceful stop: the row goes ShuttingDown (no new placements here), the gateway closes, activations finish their
    /// current turns and deactivate (waiting calls are answered with a retryable error), the row goes Dead.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _runtime is null || _agent is null)
        {
            return;
        }

        LogStopping(_logger, SiloName);
        try
        {
            await _agent.BeginShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogShutdownStepFailed(_logger, "ShuttingDown", ex.Message);
        }

        if (_gatewayListener is not null)
        {
            await _gatewayListener.DisposeAsync().ConfigureAwait(false);
        }

        await _runtime.Catalog.DeactivateAllAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        try
        {
            await _agent.CompleteShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogShutdownStepFailed(_logger, "Dead", ex.Message);
        }

        // let queued responses reach their callers, and the other silos read our Dead row, before the connections go
        await Task.Delay(TimeSpan.FromMilliseconds(500), _time, CancellationToken.None).ConfigureAwait(false);
        _runtime.DisconnectClients("silo stopped");
        await DisposeTransportAsync().ConfigureAwait(false);
        LogStopped(_logger, SiloName);
        _stoppedSource.TrySetResult();
    }

    /// <summary>Simulated crash: listeners and connections dropped, no table writes, grains abandoned.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_agent is not null)
        {
            await _agent.StopLoopsAsync().ConfigureAwait(false);
        }

        // listeners first, so nobody reconnects to a silo that is going away
        if (_gatewayListener is not null)
        {
            await _gatewayListener.DisposeAsync().ConfigureAwait(false);
        }

        _runtime?.DisconnectClients("silo killed");
        await DisposeTransportAsync().ConfigureAwait(false);
        _stoppedSource.TrySetResult();
    }

    private async Task DisposeTransportAsync()
    {
        if (_siloListener is not null)
        {
            await _siloListener.DisposeAsync().ConfigureAwait(false);
        }

        if (_runtime is not null)
        {
            _runtime.StopTimers();
            _runtime.AbortInboundConnections("silo stopped");
            _runtime.Connections.AbortAll("silo stopped");
            _runtime.Callbacks.FailAll(call => new SiloUnavailableException($"silo {SiloName} stopped before {call.Request.InterfaceName}.{call.Request.MethodKey} completed"));
            _runtime.Callbacks.Dispose();
            await _runtime.Catalog.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(5000, LogLevel.Information, "Silo {Name} started at {Address} (gateway {Gateway}) in cluster {ClusterId}")]
    private static partial void LogStarted(ILogger logger, string name, SiloAddress address, string gateway, string clusterId);

    [LoggerMessage(5001, LogLevel.Information, "Silo {Name} stopping")]
    private static partial void LogStopping(ILogger logger, string name);

    [LoggerMessage(5002, LogLevel.Information, "Silo {Name} stopped")]
    private static partial void LogStopped(ILogger logger, string name);

    [LoggerMessage(5003, LogLevel.Warning, "Shutdown step {Step} failed: {Reason}")]
    private static partial void LogShutdownStepFailed(ILogger logger, string step, string reason);
}

/// <summary>An assembly to scan for grain classes (besides those found automatically).</summary>
public sealed record GrainAssembly(Assembly Assembly);

/// <summary>Runs the silo inside a generic host.</summary>
internal sealed class SiloHostedService(Silo silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);
}
