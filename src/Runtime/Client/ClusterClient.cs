using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDist.Runtime.Calls;
using OrleansDist.Runtime.GrainReferences;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.SystemTargets;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Client;

/// <summary>
/// A client of the cluster: one gateway connection at a time, chosen from the gateway list; when it breaks, calls in
/// flight fail with <see cref="SiloUnavailableException"/> and the client reconnects (with backoff) to another gateway.
/// </summary>
public sealed partial class ClusterClient : IClusterClient, IAsyncDisposable
{
    private readonly IGatewayListProvider _gateways;
    private readonly ClientOptions _options;
    private readonly ClusterOptions _cluster;
    private readonly MessagingOptions _messaging;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Invoker _invoker;
    private readonly ObserverRegistry _observers;
    private readonly GrainFactory _factory;
    private readonly CancellationTokenSource _disposed = new();
    private readonly object _lock = new();
    private volatile Connection? _connection;
    private Task? _reconnecting;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IPEndPoint? _lastFailedGateway;

    public ClusterClient(
        IServiceProvider services, IGatewayListProvider gateways, IOptions<ClientOptions> options, IOptions<ClusterOptions> cluster,
        IOptions<MessagingOptions> messaging, TimeProvider time, ILoggerFactory loggers)
    {
        ServiceProvider = services;
        _gateways = gateways;
        _options = options.Value;
        _cluster = cluster.Value;
        _messaging = messaging.Value;
        _time = time;
        _logger = loggers.CreateLogger("OrleansDist.Client");
        ClientId = Guid.NewGuid().ToString("N");
        _invoker = new Invoker(this);
        Serializer = new MessageSerializer(_invoker);
        TelemetryOrigin = TelemetryOrigin.ForClient(ClientId);
        Callbacks = new CallbackTable(time, _messaging.ResponseTimeout, TelemetryOrigin);
        _observers = new ObserverRegistry(ClientId);
        _factory = new GrainFactory(_invoker, _observers);
    }

    public string ClientId { get; }

    public IServiceProvider ServiceProvider { get; }

    public bool IsConnected => _connection is { IsOpen: true };

    /// <summary>The gateway currently in use.</summary>
    public EndPoint? CurrentGateway => _connection?.RemoteEndPoint;

    /// <summary>Name of the silo whose gateway is in use.</summary>
    public string? CurrentGatewaySilo => _connection?.Remote.Name;

    internal MessageSerializer Serializer { get; }

    internal CallbackTable Callbacks { get; }

    /// <summary>The <c>orleansdist.client</c> tag (this client's id) of its spans and measurements.</summary>
    internal TelemetryOrigin TelemetryOrigin { get; }

    /// <summary>Connects to a gateway, trying all of them until one answers or the initial timeout passes.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        timeout.CancelAfter(_options.InitialConnectTimeout);
        try
        {
            await EnsureReconnecting().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterConnectionException(
                $"Could not connect to any gateway of cluster '{_cluster.ClusterId}' within {_options.InitialConnectTimeout.TotalSeconds:0} s (last error: {_lastError ?? "no gateway completed the handshake"})");
        }
    }

    private string? _lastError;

    private Task EnsureReconnecting()
    {
        lock (_lock)
        {
            if (_connection is { IsOpen: true })
            {
                return Task.CompletedTask;
            }

            return _reconnecting ??= Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(50);
        while (!_disposed.IsCancellationRequested)
        {
            IReadOnlyList<IPEndPoint> gateways;
            try
            {
                gateways = await _gateways.GetGatewaysAsync(_disposed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_disposed.IsCancellationRequested)
            {
                _lastError = "gateway list unavailable: " + ex.Message;
                gateways = [];
            }

            // the gateway that just failed goes last
            foreach (var gateway in gateways.OrderBy(g => g.Equals(_lastFailedGateway) ? 1 : 0).ThenBy(_ => Random.Shared.Next()))
            {
                try
                {
                    var connection = await Connection.ConnectAsync(
                        gateway, new Handshake(ConnectionRole.Client, _cluster.ClusterId, ClientId, "client"), ValidateGateway, _messaging, _logger, _disposed.Token).ConfigureAwait(false);
                    connection.Start(OnMessage);
                    TaskCompletionSource connected;
                    lock (_lock)
                    {
                        _connection = connection;
                        _reconnecting = null;
                        connected = _connected;
                        _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    _ = connection.Closed.ContinueWith(_ => OnConnectionClosed(connection, gateway), TaskScheduler.Default);
                    LogConnected(_logger, ClientId, gateway, connection.Remote.Name);
                    connected.TrySetResult();
                    return;
                }
                catch (Exception ex) when (!_disposed.IsCancellationRequested)
                {
                    _lastError = $"{gateway}: {ex.Message}";
                    LogConnectFailed(_logger, gateway, ex.Message);
                }
            }

            await Task.Delay(backoff, _time, _disposed.Token).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
        }
    }

    private string? ValidateGateway(Handshake remote) =>
        remote.Role != ConnectionRole.Silo ? "the remote side is not a silo"
        : remote.ClusterId != _cluster.ClusterId ? $"ClusterId mismatch: gateway is in cluster '{remote.ClusterId}', this client is in '{_cluster.ClusterId}'"
        : remote.Version != Handshake.ProtocolVersion ? $"protocol version {remote.Version} is not supported"
        : null;

    private void OnConnectionClosed(Connection connection, IPEndPoint gateway)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_connection, connection))
            {
                return;
            }

            _connection = null;
            _lastFailedGateway = gateway;
        }

        LogDisconnected(_logger, gateway, connection.CloseReason ?? "closed");
        Callbacks.FailAll(call => new SiloUnavailableException(
            $"Connection to gateway {gateway} ({connection.Remote.Name}) was lost before {call.Request.InterfaceName}.{call.Request.MethodKey} on {call.Request.Target} completed; the call may be retried"));
        if (!_disposed.IsCancellationRequested)
        {
            _ = EnsureReconnecting();
        }
    }

    private void OnMessage(Connection connection, Message message)
    {
        if (message.Direction == MessageDirection.Response)
        {
            Callbacks.Complete(message, Serializer);
            return;
        }

        if (!_observers.TryGet(message.Target, out var observer))
        {
            if (message.Direction == MessageDirection.Request)
            {
                connection.TrySend(message.CreateResponse(ResponseStatus.RuntimeError, System.Text.Encoding.UTF8.GetBytes($"observer {message.Target} was deleted by client {ClientId}")));
            }

            return;
        }

        _ = Task.Run(() => IncomingCallInvoker.InvokeAsync(observer, message, Serializer, _messaging.MaxMessageSize, response => connection.TrySend(response), ex => LogObserverFailed(_logger, ex, message.Target), TelemetryOrigin));
    }

    private void Send(Message message)
    {
        var connection = _connection;
        if (connection is not null && connection.TrySend(message))
        {
            return;
        }

        _ = SendWhenConnectedAsync(message);
    }

    private async Task SendWhenConnectedAsync(Message message)
    {
        try
        {
            Task connected;
            lock (_lock)
            {
                // the reconnect loop installs the connection and swaps the signal under this lock: look at both together
                if (_connection is { IsOpen: true } open && open.TrySend(message))
                {
                    return;
                }

                connected = _connected.Task;
            }

            _ = EnsureReconnecting();
            await connected.WaitAsync(_messaging.ResponseTimeout, _time, _disposed.Token).ConfigureAwait(false);
            Send(message);
        }
        catch (Exception ex)
        {
            Callbacks.Fail(message.Id, new ClusterConnectionException($"Not connected to cluster '{_cluster.ClusterId}': {_lastError ?? ex.Message}"));
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public IAddressable GetGrain(Type grainInterfaceType, GrainId grainId) => _factory.GetGrain(grainInterfaceType, grainId);

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver observer) where TGrainObserverInterface : IGrainObserver =>
        _factory.CreateObjectReference<TGrainObserverInterface>(observer);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver observer) where TGrainObserverInterface : IGrainObserver =>
        _factory.DeleteObjectReference<TGrainObserverInterface>(observer);

    /// <summary>A silo service reached through the gateway (cluster tooling).</summary>
    internal TSystemTarget GetSystemTarget<TSystemTarget>(SiloAddress silo) where TSystemTarget : ISystemTarget => _factory.GetSystemTarget<TSystemTarget>(silo);

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _connection?.Close("client disposed");
        Callbacks.FailAll(call => new ObjectDisposedException(nameof(ClusterClient), $"The client was disposed before {call.Request.InterfaceName}.{call.Request.MethodKey} completed"));
        Callbacks.Dispose();
        if (_reconnecting is { } reconnecting)
        {
            await reconnecting.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private sealed class Invoker(ClusterClient client) : IGrainCallInvoker, IGrainReferenceActivator
    {
        public IAddressable CreateReference(Type interfaceType, GrainId grainId) => GrainReference.Create(interfaceType, grainId, this);

        public object? Invoke(GrainReference reference, MethodDescriptor method, object?[]? arguments)
        {
            ObjectDisposedException.ThrowIf(client._disposed.IsCancellationRequested, client);
            var message = OutgoingCalls.CreateRequest(reference.GrainId, method, arguments, client.Serializer);
            MessageCodec.CheckSize(message, client._messaging.MaxMessageSize);
            if (SystemTargetIds.IsSystemTarget(message.Target))
            {
                message.Flags |= MessageFlags.SystemTarget;
                message.TargetSilo = SiloAddress.Parse(message.Target.Key);
            }

            var activity = CallSpans.StartClient(message, method, client.TelemetryOrigin);
            if (method.IsOneWay)
            {
                client.Send(message);
                activity?.Dispose();
                CallMetrics.CallMade(client.TelemetryOrigin, method, RuntimeTelemetry.OutcomeOneWay, 0);
                return OutgoingCalls.OneWayReturnValue(method);
            }

            var completion = method.CreateCompletion();
            message.Id = client.Callbacks.NextId();
            client.Callbacks.Register(message, method, completion, client._messaging.ResponseTimeout, null, activity);
            client.Send(message);
            return completion.ToReturnValue(method.ReturnKind);
        }
    }

    [LoggerMessage(6000, LogLevel.Information, "Client {ClientId} connected to gateway {Gateway} (silo {Silo})")]
    private static partial void LogConnected(ILogger logger, string clientId, IPEndPoint gateway, string silo);

    [LoggerMessage(6001, LogLevel.Warning, "Gateway {Gateway} unavailable: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, IPEndPoint gateway, string reason);

    [LoggerMessage(6002, LogLevel.Warning, "Lost gateway {Gateway}: {Reason}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, IPEndPoint gateway, string reason);

    [LoggerMessage(6003, LogLevel.Warning, "Observer call to {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, GrainId observer);
}
