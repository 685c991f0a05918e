using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansDist.Runtime.Activation;
using OrleansDist.Runtime.Calls;
using OrleansDist.Runtime.Directory;
using OrleansDist.Runtime.GrainReferences;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Placement;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.SystemTargets;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Hosting;

/// <summary>
/// The message center of one silo: sends the calls its grains make, routes every request to the silo that hosts (or
/// will host) the target, delivers to local activations, system targets and gateway clients, and sends responses back.
/// </summary>
internal sealed partial class SiloRuntime : IGrainCallInvoker, IGrainReferenceActivator
{
    private readonly ConcurrentDictionary<string, object> _systemTargets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Connection> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Connection, byte> _inbound = new();
    private readonly ConcurrentDictionary<(string Client, long Id), ClientCallInFlight> _clientCallsInFlight = new();
    private readonly ITimer _clientCallSweep;
    private readonly MessagingOptions _messaging;
    private readonly ILogger _logger;
    private readonly string _clusterId;
    private readonly PlacementDirector _placement;
    private Func<ClusterMembershipSnapshot> _membership = () => ClusterMembershipSnapshot.Empty;
    private Func<SiloStatus> _localStatus = () => SiloStatus.Active;

    public SiloRuntime(SiloAddress localSilo, string siloName, string clusterId, IServiceProvider services, MessagingOptions messaging, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        LocalSilo = localSilo;
        SiloName = siloName;
        _clusterId = clusterId;
        Services = services;
        _messaging = messaging;
        TimeProvider = timeProvider;
        _logger = loggers.CreateLogger("OrleansDist.Runtime.Silo");
        Serializer = new MessageSerializer(this);
        TelemetryOrigin = TelemetryOrigin.ForSilo(siloName);
        Callbacks = new CallbackTable(timeProvider, messaging.ResponseTimeout, TelemetryOrigin);
        GrainFactory = new GrainFactory(this, null);
        _placement = new PlacementDirector(localSilo);
        var sweep = TimeSpan.FromTicks(Math.Max(messaging.ResponseTimeout.Ticks, TimeSpan.FromSeconds(1).Ticks));
        _clientCallSweep = timeProvider.CreateTimer(_ => ForgetExpiredClientCalls(), null, sweep, sweep);
        Connections = new SiloConnectionManager(
            () => new Handshake(ConnectionRole.Silo, clusterId, LocalSilo.ToString(), SiloName),
            ValidateSiloPeer,
            OnSiloMessage,
            OnUndeliverable,
            messaging,
            loggers.CreateLogger("OrleansDist.Runtime.Messaging"));
    }

    public SiloAddress LocalSilo { get; }

    public int MaxMessageSize => _messaging.MaxMessageSize;

    public string SiloName { get; }

    /// <summary>The <c>orleansdist.silo</c> tag of this silo's spans and measurements.</summary>
    public TelemetryOrigin TelemetryOrigin { get; }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public MessageSerializer Serializer { get; }

    public CallbackTable Callbacks { get; }

    public GrainFactory GrainFactory { get; }

    public SiloConnectionManager Connections { get; }

    public Catalog Catalog { get; private set; } = null!;

    public GrainDirectory Directory { get; private set; } = null!;

    public IReadOnlyCollection<string> ConnectedClients => [.. _clients.Keys];

    public void Initialize(Catalog catalog, GrainDirectory directory, Func<ClusterMembershipSnapshot> membership, Func<SiloStatus> localStatus)
    {
        Catalog = catalog;
        Directory = directory;
        _membership = membership;
        _localStatus = localStatus;
        RegisterSystemTarget<IRemoteGrainDirectory>(directory);
    }

    public void RegisterSystemTarget<TInterface>(TInterface target) where TInterface : ISystemTarget =>
        _systemTargets[SystemTargetIds.TypeName(typeof(TInterface))] = target;

    public TSystemTarget GetSystemTarget<TSystemTarget>(SiloAddress silo) where TSystemTarget : ISystemTarget => GrainFactory.GetSystemTarget<TSystemTarget>(silo);

    public IAddressable CreateReference(Type interfaceType, GrainId grainId) => GrainReference.Create(interfaceType, grainId, this);

    // ---- outgoing calls made by grains and runtime services on this silo ----

    public object? Invoke(GrainReference reference, MethodDescriptor method, object?[]? arguments)
    {
        var message = OutgoingCalls.CreateRequest(reference.GrainId, method, arguments, Serializer);
        MessageCodec.CheckSize(message, _messaging.MaxMessageSize);
        message.SendingSilo = LocalSilo;
        var isSystem = SystemTargetIds.IsSystemTarget(message.Target);
        if (isSystem)
        {
            message.Flags |= MessageFlags.SystemTarget;
            message.TargetSilo = SiloAddress.Parse(message.Target.Key);
        }

        var activity = CallSpans.StartClient(message, method, TelemetryOrigin);
        if (method.IsOneWay)
        {
            Route(message);
            activity?.Dispose();
            CallMetrics.CallMade(TelemetryOrigin, method, RuntimeTelemetry.OutcomeOneWay, 0);
            return OutgoingCalls.OneWayReturnValue(method);
        }

        var completion = method.CreateCompletion();
        message.Id = Callbacks.NextId();
        Callbacks.Register(message, method, completion, _messaging.ResponseTimeout, message.TargetSilo, activity);
        Route(message);
        return completion.ToReturnValue(method.ReturnKind);
    }

    // ---- routing ----

    /// <summary>Routes a request (or response) from anywhere: local grains, other silos, clients, leftovers of deactivations.</summary>
    public void Route(Message message)
    {
        if (message.Direction == MessageDirection.Response)
        {
            RouteResponse(message);
            return;
        }

        if (message.HasFlag(MessageFlags.SystemTarget))
        {
            var target = message.TargetSilo;
            if (target is null || IsLocal(target))
            {
                InvokeSystemTarget(message);
            }
            else
            {
                SendToSilo(target, message);
            }

            return;
        }

        if (ObserverRegistry.IsObserver(message.Target))
        {
            RouteToClient(message);
            return;
        }

        if (Catalog.TryDeliverLocal(message))
        {
            return;
        }

        if (!Catalog.TryGetClass(message.Target.Type, out var classInfo))
        {
            RejectRequest(message, ResponseStatus.RuntimeError, $"No grain class implements {message.Target.Type} in this cluster (silo {SiloName})");
            return;
        }

        if (classInfo.IsStatelessWorker)
        {
            Catalog.Deliver(message);
            return;
        }

        if (Directory.TryGetCached(message.Target, out var cached))
        {
            SendToSilo(cached.Silo, message);
            return;
        }

        _ = ResolveAndSendAsync(message, classInfo);
    }

    private async Task ResolveAndSendAsync(Message message, GrainClassInfo classInfo)
    {
        try
        {
            var existing = await Directory.LookupAsync(message.Target, 0).ConfigureAwait(false);
            if (existing is not null)
            {
                SendToSilo(existing.Silo, message);
                return;
            }

            var membership = _membership();
            var silo = _placement.SelectSilo(message.Target, classInfo.Placement, message.PlacementSiloName, membership, _localStatus() == SiloStatus.Active);
            if (IsLocal(silo))
            {
                Catalog.Deliver(message);
            }
            else
            {
                message.Flags |= MessageFlags.NewPlacement;
                SendToSilo(silo, message);
            }
        }
        catch (Exception ex)
        {
            RejectRequest(message, ex is SiloUnavailableException ? ResponseStatus.SiloUnavailable : ResponseStatus.RuntimeError, $"Could not route {message.InterfaceName}.{message.MethodKey} to {message.Target}: {ex.Message}");
        }
    }

    private bool IsLocal(SiloAddress silo) => silo.Equals(LocalSilo) || (silo.Generation == 0 && silo.IsSameEndpoint(LocalSilo));

    private void SendToSilo(SiloAddress silo, Message message)
    {
        if (IsLocal(silo))
        {
            if (message.HasFlag(MessageFlags.SystemTarget))
            {
                InvokeSystemTarget(message);
            }
            else
            {
                Catalog.Deliver(message);
            }

            return;
        }

        if (_membership().IsKnownDead(silo))
        {
            OnUndeliverable(message, silo, $"silo {silo} is dead");
            return;
        }

        if (message.Direction == MessageDirection.Request && message.SendingSilo == LocalSilo)
        {
            if (message.SendingClient is { } client)
            {
                // a client's call leaving its gateway: if that silo dies, the gateway answers for it (the client cannot know)
                _clientCallsInFlight[(client, message.Id)] = new ClientCallInFlight(silo, message, TimeProvider.GetTimestamp());
            }
            else
            {
                Callbacks.SetDestination(message.Id, silo);
            }
        }

        Connections.Send(silo, message);
    }

    /// <summary>Sends a request on to the silo that holds the grain, unless it has travelled too far already.</summary>
    public void Forward(Message message, SiloAddress silo, string reason)
    {
        if (message.ForwardCount >= _messaging.MaxForwardCount)
        {
            RejectRequest(message, ResponseStatus.RuntimeError, $"{message.Target} could not be located after {message.ForwardCount} forwards ({reason}); retry the call");
            return;
        }

        message.ForwardCount++;
        message.Flags &= ~MessageFlags.NewPlacement;
        SendToSilo(silo, message);
    }

    public void RouteResponse(Message response)
    {
        var destination = response.SendingSilo;
        if (destination is null || IsLocal(destination))
        {
            if (response.SendingClient is { } clientId)
            {
                _clientCallsInFlight.TryRemove((clientId, response.Id), out _);
                if (!_clients.TryGetValue(clientId, out var connection) || !connection.TrySend(response))
                {
                    LogClientGone(_logger, clientId, response.ToString());
                }

                return;
            }

            Callbacks.Complete(response, Serializer);
            return;
        }

        SendToSilo(destination, response);
    }

    /// <summary>Answers a request with a runtime failure instead of running it.</summary>
    public void RejectRequest(Message request, ResponseStatus status, string reason)
    {
        if (request.Direction != MessageDirection.Request)
        {
            MessagingLog.Undeliverable(_logger, request.ToString(), reason);
            return;
        }

        RouteResponse(request.CreateResponse(status, Encoding.UTF8.GetBytes(reason)));
    }

    private void OnUndeliverable(Message message, SiloAddress target, string reason)
    {
        if (message.Direction == MessageDirection.Response)
        {
            MessagingLog.Undeliverable(_logger, message.ToString(), reason);
            return;
        }

        Directory?.Invalidate(message.Target);
        RejectRequest(message, ResponseStatus.SiloUnavailable, $"{message.InterfaceName}.{message.MethodKey} to {message.Target}: {reason}");
    }

    // ---- incoming from other silos ----

    private string? ValidateSiloPeer(Handshake remote)
    {
        if (remote.Version != Handshake.ProtocolVersion)
        {
            return $"protocol version {remote.Version} is not supported (this silo speaks {Handshake.ProtocolVersion})";
        }

        if (!string.Equals(remote.ClusterId, _clusterId, StringComparison.Ordinal))
        {
            return $"ClusterId mismatch: remote is in cluster '{remote.ClusterId}', this silo is in '{_clusterId}'";
        }

        if (remote.Role == ConnectionRole.Silo && !SiloAddress.TryParse(remote.Identity, out _))
        {
            return $"bad silo identity '{remote.Identity}'";
        }

        return null;
    }

    public string? ValidateInbound(Handshake remote, ConnectionRole expected)
    {
        if (remote.Role != expected)
        {
            return $"this port accepts {expected.ToString().ToLowerInvariant()} connections, not {remote.Role.ToString().ToLowerInvariant()}";
        }

        if (remote.Role == ConnectionRole.Client && (remote.Identity.Length is 0 or > 128 || remote.Identity.Contains('/')))
        {
            return $"bad client id '{remote.Identity}'";
        }

        return ValidateSiloPeer(remote);
    }

    public void OnSiloConnectionAccepted(Connection connection)
    {
        _inbound[connection] = 0;
        _ = connection.Closed.ContinueWith(_ => _inbound.TryRemove(connection, out byte _), TaskScheduler.Default);
        connection.Start(OnSiloMessage);
    }

    public void StopTimers() => _clientCallSweep.Dispose();

    /// <summary>Drops the connections other silos opened to us (a killed silo must not go on running their requests).</summary>
    public void AbortInboundConnections(string reason)
    {
        foreach (var connection in _inbound.Keys)
        {
            connection.Abort(reason);
        }
    }

    private void OnSiloMessage(Connection connection, Message message)
    {
        try
        {
            if (message.HasFlag(MessageFlags.SystemTarget))
            {
                // it reached this process over a silo connection, so it is for this silo (whatever address the sender dialled)
                InvokeSystemTarget(message);
            }
            else if (message.Direction == MessageDirection.Response || ObserverRegistry.IsObserver(message.Target))
            {
                Route(message);
            }
            else if (message.Target.IsDefault)
            {
                MessagingLog.BadMessage(_logger, connection.Name, "request without a target grain");
            }
            else
            {
                Catalog.Deliver(message);
            }
        }
        catch (Exception ex)
        {
            MessagingLog.BadMessage(_logger, connection.Name, ex.Message);
            RejectRequest(message, ResponseStatus.RuntimeError, ex.Message);
        }
    }

    private void InvokeSystemTarget(Message message)
    {
        if (message.TargetSilo is { Generation: not 0 } target && target.Generation != LocalSilo.Generation)
        {
            RejectRequest(message, ResponseStatus.SiloUnavailable, $"silo {target} is gone; {LocalSilo} runs at that endpoint now");
            return;
        }

        if (!_systemTargets.TryGetValue(message.Target.Type, out var systemTarget))
        {
            RejectRequest(message, ResponseStatus.RuntimeError, $"silo {SiloName} has no system service {message.Target.Type}");
            return;
        }

        _ = IncomingCallInvoker.InvokeAsync(systemTarget, message, Serializer, MaxMessageSize, RouteResponse, ex => LogSystemTargetFailed(_logger, ex, message.Target.Type), TelemetryOrigin);
    }

    // ---- gateway: clients ----

    public void OnClientConnected(Connection connection)
    {
        var clientId = connection.Remote.Identity;
        if (_clients.TryGetValue(clientId, out var previous))
        {
            previous.Abort("the client reconnected");
        }

        _clients[clientId] = connection;
        LogClientConnected(_logger, clientId, connection.RemoteEndPoint?.ToString() ?? "?");
        _ = connection.Closed.ContinueWith(_ =>
        {
            _clients.TryRemove(new KeyValuePair<string, Connection>(clientId, connection));
            LogClientDisconnected(_logger, clientId, connection.CloseReason ?? "closed");
        }, TaskScheduler.Default);

        // the client's observers become reachable once the directory knows its gateway; its first requests wait in the socket until then
        _ = RegisterClientAsync(clientId).ContinueWith(_ => connection.Start(OnClientMessage), TaskScheduler.Default);
    }

    private async Task RegisterClientAsync(string clientId)
    {
        try
        {
            await Directory.SetClientGatewayAsync(new GrainAddress(new GrainId(ObserverRegistry.ClientType, clientId), LocalSilo, 0), 0).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogClientRegistrationFailed(_logger, clientId, ex.Message);
        }
    }

    private void OnClientMessage(Connection connection, Message message)
    {
        if (message.Direction == MessageDirection.Response)
        {
            // an observer's answer: its SendingSilo names the silo that called the observer
            RouteResponse(message);
            return;
        }

        message.SendingSilo = LocalSilo;
        message.SendingClient = connection.Remote.Identity;
        message.ForwardCount = 0;
        message.Flags &= ~MessageFlags.NewPlacement;
        if (message.Target.IsDefault)
        {
            RejectRequest(message, ResponseStatus.RuntimeError, "request without a target grain");
            return;
        }

        try
        {
            Route(message);
        }
        catch (Exception ex)
        {
            RejectRequest(message, ResponseStatus.RuntimeError, ex.Message);
        }
    }

    private void RouteToClient(Message message)
    {
        var clientId = ObserverRegistry.ClientIdOf(message.Target);
        if (_clients.TryGetValue(clientId, out var connection) && connection.TrySend(message))
        {
            return;
        }

        _ = RouteToRemoteClientAsync(message, clientId);
    }

    private async Task RouteToRemoteClientAsync(Message message, string clientId)
    {
        try
        {
            var gateway = await Directory.LookupAsync(new GrainId(ObserverRegistry.ClientType, clientId), 0).ConfigureAwait(false);
            if (gateway is null || IsLocal(gateway.Silo))
            {
                RejectRequest(message, ResponseStatus.RuntimeError, $"client {clientId} is not connected to the cluster (observer {message.Target})");
                return;
            }

            Forward(message, gateway.Silo, "observer's client is on another gateway");
        }
        catch (Exception ex)
        {
            RejectRequest(message, ResponseStatus.SiloUnavailable, $"could not find client {clientId}: {ex.Message}");
        }
    }

    /// <summary>Applies a membership change: drops connections and pending calls to dead silos, hands directory entries over.</summary>
    public void OnMembershipChanged(ClusterMembershipSnapshot snapshot)
    {
        foreach (var (silo, entry) in snapshot.Members)
        {
            if (entry.Status == SiloStatus.Dead && !IsLocal(silo))
            {
                Connections.Disconnect(silo, "silo declared dead");
                Callbacks.FailCallsTo(silo, $"silo {entry.SiloName} ({silo}) was declared dead");
                FailClientCallsTo(silo, $"silo {entry.SiloName} ({silo}) was declared dead");
            }
        }

        var ownerChanged = Directory.ApplyMembership(snapshot);
        Catalog.ReRegister(ownerChanged);
        ScheduleSecondHandoff(ownerChanged);
        foreach (var clientId in _clients.Keys)
        {
            if (ownerChanged(new GrainId(ObserverRegistry.ClientType, clientId)))
            {
                _ = RegisterClientAsync(clientId);
            }
        }

        Directory.HandOffForeignEntries();
    }

    /// <summary>
    /// Silos learn of a ring change at slightly different times, so a re-registration can reach a silo that does not yet
    /// know it is the new owner. A second pass, once every silo has read the table, makes the directory complete again.
    /// </summary>
    private void ScheduleSecondHandoff(Func<GrainId, bool> ownerChanged)
    {
        var delay = _secondHandoffDelay();
        _ = Task.Delay(delay, TimeProvider).ContinueWith(_ => Catalog.ReRegister(ownerChanged), TaskScheduler.Default);
    }

    private Func<TimeSpan> _secondHandoffDelay = () => TimeSpan.FromSeconds(2);

    public void SetHandoffDelay(TimeSpan delay) => _secondHandoffDelay = () => delay;

    private void FailClientCallsTo(SiloAddress silo, string reason)
    {
        foreach (var (key, call) in _clientCallsInFlight)
        {
            if (call.Destination.Equals(silo) && _clientCallsInFlight.TryRemove(key, out _))
            {
                RejectRequest(call.Request, ResponseStatus.SiloUnavailable, $"{call.Request.InterfaceName}.{call.Request.MethodKey} to {call.Request.Target}: {reason}; the call may be retried");
            }
        }
    }

    /// <summary>Forgets client calls older than the response timeout: their clients have given up on them.</summary>
    private void ForgetExpiredClientCalls()
    {
        var expiry = (long)(_messaging.ResponseTimeout.TotalSeconds * TimeProvider.TimestampFrequency);
        var now = TimeProvider.GetTimestamp();
        foreach (var (key, call) in _clientCallsInFlight)
        {
            if (now - call.SentAt > expiry)
            {
                _clientCallsInFlight.TryRemove(key, out _);
            }
        }
    }

    private sealed record ClientCallInFlight(SiloAddress Destination, Message Request, long SentAt);

    public void DisconnectClients(string reason)
    {
        foreach (var connection in _clients.Values)
        {
            connection.Abort(reason);
        }
    }

    [LoggerMessage(4000, LogLevel.Information, "Client {ClientId} connected from {Remote}")]
    private static partial void LogClientConnected(ILogger logger, string clientId, string remote);

    [LoggerMessage(4001, LogLevel.Information, "Client {ClientId} disconnected: {Reason}")]
    private static partial void LogClientDisconnected(ILogger logger, string clientId, string reason);

    [LoggerMessage(4002, LogLevel.Warning, "Client {ClientId} is gone; dropped {Message}")]
    private static partial void LogClientGone(ILogger logger, string clientId, string message);

    [LoggerMessage(4003, LogLevel.Warning, "Could not record gateway of client {ClientId} in the directory: {Reason}")]
    private static partial void LogClientRegistrationFailed(ILogger logger, string clientId, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "One-way system call {Target} failed")]
    private static partial void LogSystemTargetFailed(ILogger logger, Exception exception, string target);
}
