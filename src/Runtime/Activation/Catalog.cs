using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansDist.Runtime.Directory;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Activation;

/// <summary>
/// The activations of one silo. A request for a grain that is not active here creates an activation that first
/// registers in the directory: if another activation won, the request is forwarded there and ours is dropped.
/// </summary>
internal sealed partial class Catalog : ICatalogHost, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly ConcurrentDictionary<GrainId, StatelessWorkerPool> _workers = new();
    private readonly SiloRuntime _runtime;
    private readonly GrainTypeRegistry _registry;
    private readonly GrainDirectory _directory;
    private readonly GrainCollectionOptions _collection;
    private readonly ILogger _logger;
    private readonly ITimer _collector;
    private readonly CancellationTokenSource _shutdown = new();
    private volatile bool _deactivatingAll;

    public Catalog(SiloRuntime runtime, GrainTypeRegistry registry, GrainDirectory directory, GrainCollectionOptions collection, ILogger logger)
    {
        _runtime = runtime;
        _registry = registry;
        _directory = directory;
        _collection = collection;
        _logger = logger;
        _collector = runtime.TimeProvider.CreateTimer(_ => CollectIdle(), null, collection.CollectionQuantum, collection.CollectionQuantum);
        TimerErrors.Report = (activation, ex) => LogTimerFailed(_logger, ex, activation.GrainId);
    }

    public SiloAddress LocalSilo => _runtime.LocalSilo;

    public string SiloName => _runtime.SiloName;

    public TelemetryOrigin TelemetryOrigin => _runtime.TelemetryOrigin;

    public IServiceProvider Services => _runtime.Services;

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public MessageSerializer Serializer => _runtime.Serializer;

    public TimeProvider TimeProvider => _runtime.TimeProvider;

    public CancellationToken ShutdownToken => _shutdown.Token;

    public TimeSpan DeactivationTimeout => _collection.DeactivationTimeout;

    public int MaxMessageSize => _runtime.MaxMessageSize;

    public int ActivationCount => _activations.Count + _workers.Values.Sum(p => p.Count);

    public bool TryGetClass(string interfaceName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GrainClassInfo? info) => _registry.TryGet(interfaceName, out info);

    /// <summary>Delivers to an existing local activation; false if there is none.</summary>
    public bool TryDeliverLocal(Message message) =>
        _activations.TryGetValue(message.Target, out var activation) && activation.TryEnqueue(message);

    public bool IsActiveHere(GrainId grainId) => _activations.ContainsKey(grainId);

    /// <summary>Delivers a request to the grain's activation on this silo, creating and registering one if needed.</summary>
    public void Deliver(Message message)
    {
        if (_deactivatingAll)
        {
            _runtime.RejectRequest(message, ResponseStatus.SiloUnavailable, $"silo {SiloName} is shutting down; retry the call");
            return;
        }

        if (!_registry.TryGet(message.Target.Type, out var classInfo))
        {
            _runtime.RejectRequest(message, ResponseStatus.RuntimeError, $"No grain class implements {message.Target.Type} on silo {SiloName} ({LocalSilo})");
            return;
        }

        if (classInfo.IsStatelessWorker)
        {
            _workers.GetOrAdd(message.Target, id => new StatelessWorkerPool(id, classInfo, this)).Deliver(message);
            return;
        }

        while (true)
        {
            if (_activations.TryGetValue(message.Target, out var existing))
            {
                if (existing.TryEnqueue(message))
                {
                    return;
                }

                _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(message.Target, existing));
                continue;
            }

            var activation = new ActivationData(message.Target, classInfo, this);
            if (!_activations.TryAdd(message.Target, activation))
            {
                continue;
            }

            activation.TryEnqueue(message);
            _ = RegisterAsync(activation);
            return;
        }
    }

    private async Task RegisterAsync(ActivationData activation)
    {
        var address = new GrainAddress(activation.GrainId, LocalSilo, activation.ActivationId);
        GrainAddress? winner = null;
        Exception? failure = null;
        for (var attempt = 0; attempt < 3 && winner is null; attempt++)
        {
            try
            {
                winner = await _directory.RegisterAsync(address, 0).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException)
            {
                failure = ex;
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), TimeProvider).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
                break;
            }
        }

        if (winner == address)
        {
            activation.Activate();
            return;
        }

        var waiting = activation.AbandonRegistration();
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
        var correctedSenders = new HashSet<SiloAddress>();
        foreach (var message in waiting)
        {
            if (winner is null)
            {
                _runtime.RejectRequest(message, ResponseStatus.SiloUnavailable, $"the grain directory could not register {activation.GrainId}: {failure?.Message}");
            }
            else
            {
                if (message.SendingSilo is { } sender && !sender.Equals(LocalSilo) && !message.HasFlag(MessageFlags.NewPlacement) && correctedSenders.Add(sender))
                {
                    // the sender's cache pointed here: correct it, or every call would take this detour
                    _runtime.GetSystemTarget<IRemoteGrainDirectory>(sender).UpdateCache(winner);
                }

                _runtime.Forward(message, winner.Silo, "another activation is registered");
            }
        }
    }

    /// <summary>After a ring change: re-register our activations whose directory owner changed; a lost registration means a duplicate, which leaves.</summary>
    public void ReRegister(Func<GrainId, bool> ownerChanged)
    {
        foreach (var activation in _activations.Values)
        {
            if (activation.State is ActivationState.Valid or ActivationState.Activating && ownerChanged(activation.GrainId))
            {
                _ = ReRegisterAsync(activation);
            }
        }
    }

    private async Task ReRegisterAsync(ActivationData activation)
    {
        var address = new GrainAddress(activation.GrainId, LocalSilo, activation.ActivationId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var winner = await _directory.RegisterAsync(address, 0).ConfigureAwait(false);
                if (winner != address)
                {
                    LogDuplicate(_logger, activation.GrainId, winner.Silo);
                    activation.StartDeactivation(new DeactivationReason(DeactivationReasonCode.DuplicateActivation, $"{winner} is the registered activation"));
                }

                return;
            }
            catch (Exception ex) when (attempt < 5 && !_shutdown.IsCancellationRequested)
            {
                // silos adopt a new ring a few milliseconds apart: the new owner may not know yet that it owns this id
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), TimeProvider).ConfigureAwait(false);
                _ = ex;
            }
            catch (Exception ex)
            {
                LogReRegisterFailed(_logger, activation.GrainId, ex.Message);
                return;
            }
        }
    }

    public void SendResponse(Message response) => _runtime.RouteResponse(response);

    public void OnActivationFailed(ActivationData activation, Exception exception, List<Message> rejected)
    {
        LogActivationFailed(_logger, exception, activation.GrainId);
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
        if (!activation.ClassInfo.IsStatelessWorker)
        {
            _ = UnregisterAsync(activation);
        }

        var body = Serializer.SerializeException(exception);
        foreach (var message in rejected)
        {
            if (message.Direction == MessageDirection.Request)
            {
                SendResponse(message.CreateResponse(ResponseStatus.Exception, body));
            }
        }
    }

    public void OnDeactivated(ActivationData activation, List<Message> leftovers)
    {
        if (activation.ClassInfo.IsStatelessWorker)
        {
            if (_workers.TryGetValue(activation.GrainId, out var pool))
            {
                pool.Remove(activation);
            }
        }
        else
        {
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
            _ = UnregisterAsync(activation);
        }

        foreach (var message in leftovers)
        {
            if (_deactivatingAll || _shutdown.IsCancellationRequested)
            {
                _runtime.RejectRequest(message, ResponseStatus.SiloUnavailable, $"silo {SiloName} is shutting down; retry the call");
            }
            else
            {
                _runtime.Route(message);
            }
        }
    }

    private async Task UnregisterAsync(ActivationData activation)
    {
        try
        {
            await _directory.UnregisterAsync(new GrainAddress(activation.GrainId, LocalSilo, activation.ActivationId), 0).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogReRegisterFailed(_logger, activation.GrainId, ex.Message);
        }
    }

    public void OnDeactivationFailed(ActivationData activation, Exception exception) => LogDeactivationFailed(_logger, exception, activation.GrainId);

    public void OnOneWayFailed(ActivationData activation, Message message, Exception exception) => LogOneWayFailed(_logger, exception, activation.GrainId, message.MethodKey);

    private void CollectIdle()
    {
        var now = TimeProvider.GetTimestamp();
        var age = (long)(_collection.CollectionAge.TotalSeconds * TimeProvider.TimestampFrequency);
        foreach (var activation in _activations.Values.Concat(_workers.Values.SelectMany(p => p.Snapshot())))
        {
            if (now - activation.LastActivity > age && activation.IsIdle)
            {
                activation.StartDeactivation(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"idle for more than {_collection.CollectionAge}"));
            }
        }
    }

    /// <summary>Graceful stop: deactivate everything (OnDeactivateAsync runs, state is written by the grains), waiting at most the timeout.</summary>
    public async Task DeactivateAllAsync(TimeSpan timeout)
    {
        _deactivatingAll = true;
        var all = _activations.Values.Concat(_workers.Values.SelectMany(p => p.Snapshot())).ToList();
        foreach (var activation in all)
        {
            activation.StartDeactivation(new DeactivationReason(DeactivationReasonCode.ShuttingDown, $"silo {SiloName} is shutting down"));
        }

        await Task.WhenAll(all.Select(a => a.Deactivated)).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _shutdown.Cancel();
    }

    public IReadOnlyCollection<ActivationData> LocalActivations => [.. _activations.Values];

    public ValueTask DisposeAsync()
    {
        _shutdown.Cancel();
        _collector.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(3000, LogLevel.Error, "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(3001, LogLevel.Warning, "Duplicate activation of {GrainId}: the directory names the one on {Winner}; deactivating ours")]
    private static partial void LogDuplicate(ILogger logger, GrainId grainId, SiloAddress winner);

    [LoggerMessage(3002, LogLevel.Warning, "Directory update for {GrainId} failed: {Reason}")]
    private static partial void LogReRegisterFailed(ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(3004, LogLevel.Warning, "One-way call {Method} on {GrainId} failed")]
    private static partial void LogOneWayFailed(ILogger logger, Exception exception, GrainId grainId, string method);

    [LoggerMessage(3005, LogLevel.Warning, "Timer callback of {GrainId} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, GrainId grainId);
}
