using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Persistence;
using OrleansDist.Runtime.Calls;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Activation;

internal enum ActivationState
{
    /// <summary>Waiting to learn whether the directory made this the grain's one activation.</summary>
    Registering,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>
/// One activation of a grain: its instance, its mailbox and its turns. All of its code runs on an exclusive
/// scheduler, so even a reentrant grain runs one thread at a time; a non-reentrant one also runs one call at a time,
/// across awaits, until that call's task completes.
/// </summary>
internal sealed class ActivationData : IGrainContext
{
    private static readonly Func<object?, Task> s_runWorkItem = static state =>
    {
        var (activation, item) = ((ActivationData, WorkItem))state!;
        return activation.RunAsync(item);
    };

    private readonly object _lock = new();
    private readonly Queue<WorkItem> _waiting = new();
    private readonly ICatalogHost _host;
    private readonly List<GrainTimer> _timers = [];
    private int _running;
    private bool _runningExclusive;
    private bool _deactivateOnIdle;
    private long _keepAliveUntil;
    private DeactivationReason _deactivationReason;

    public ActivationData(GrainId grainId, GrainClassInfo classInfo, ICatalogHost host)
    {
        GrainId = grainId;
        ClassInfo = classInfo;
        _host = host;
        ActivationId = Interlocked.Increment(ref s_nextActivationId);
        Scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        LastActivity = host.TimeProvider.GetTimestamp();
    }

    private static long s_nextActivationId;

    public GrainId GrainId { get; }

    public long ActivationId { get; }

    public GrainClassInfo ClassInfo { get; }

    public TaskScheduler Scheduler { get; }

    public ActivationState State { get; private set; } = ActivationState.Registering;

    public Grain? Instance { get; private set; }

    public long LastActivity { get; private set; }

    public IGrainFactory GrainFactory => _host.GrainFactory;

    public IServiceProvider ActivationServices => _host.Services;

    public string SiloName => _host.SiloName;

    public string SiloAddress => _host.LocalSilo.ToString();

    /// <summary>True when nothing runs or waits: a candidate for idle collection.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return State == ActivationState.Valid && _running == 0 && _waiting.Count == 0 && _keepAliveUntil < _host.TimeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// Queues a message. While deactivating, messages wait and are routed again (to a new activation) afterwards;
    /// returns false once the activation is gone, and the caller routes the message again.
    /// </summary>
    public bool TryEnqueue(Message message)
    {
        lock (_lock)
        {
            if (State is ActivationState.Invalid)
            {
                return false;
            }

            _waiting.Enqueue(new WorkItem(message, null, message.HasFlag(MessageFlags.AlwaysInterleave)));
            PumpLocked();
            return true;
        }
    }

    /// <summary>The directory made another activation the grain's one: hand our queue over.</summary>
    public List<Message> AbandonRegistration()
    {
        List<Message> messages;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            messages = DrainMessagesLocked();
        }

        _deactivated.TrySetResult();
        return messages;
    }

    /// <summary>Registration succeeded: run the activation turn (state read, OnActivateAsync), then the queued calls.</summary>
    public void Activate()
    {
        List<Message>? leftovers = null;
        lock (_lock)
        {
            if (State != ActivationState.Registering)
            {
                return;
            }

            if (_deactivateAfterRegistration)
            {
                // deactivation (e.g. silo shutdown) was asked for before the activation existed: never run it
                State = ActivationState.Invalid;
                leftovers = DrainMessagesLocked();
            }
            else
            {
                State = ActivationState.Activating;
                _running++;
                _runningExclusive = true;
            }
        }

        if (leftovers is not null)
        {
            _host.OnDeactivated(this, leftovers);
            _deactivated.TrySetResult();
            return;
        }

        _ = Task.Factory.StartNew(ActivateAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();
    }

    private bool _deactivateAfterRegistration;
    private bool _activated;

    private async Task ActivateAsync()
    {
        Exception? failure = null;
        try
        {
            Instance = CreateInstance();
            foreach (var state in _persistentStates)
            {
                await state.ReadStateAsync(_host.ShutdownToken).ConfigureAwait(true);
            }

            await Instance.OnActivateAsync(_host.ShutdownToken).ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            failure = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
        }

        List<Message>? rejected = null;
        var finishDeactivation = false;
        lock (_lock)
        {
            _running--;
            _runningExclusive = false;
            if (failure is not null)
            {
                State = ActivationState.Invalid;
                rejected = DrainMessagesLocked();
            }
            else
            {
                _activated = true;
                RuntimeTelemetry.Activations.Add(1, _host.TelemetryOrigin.Tag);
                if (State == ActivationState.Deactivating)
                {
                    // deactivation was requested while OnActivateAsync ran: honour it now instead of going Valid
                    finishDeactivation = true;
                }
                else
                {
                    State = ActivationState.Valid;
                    PumpLocked();
                }
            }
        }

        if (failure is not null)
        {
            _host.OnActivationFailed(this, failure, rejected!);
            _deactivated.TrySetResult();
        }
        else if (finishDeactivation)
        {
            await FinishDeactivationAsync().ConfigureAwait(true);
        }
    }

    private readonly List<IPersistentStateLoader> _persistentStates = [];

    private Grain CreateInstance()
    {
        var parameters = ClassInfo.Parameters;
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var stateAttribute = ClassInfo.StateAttributes[i];
            if (stateAttribute is not null)
            {
                var storageName = stateAttribute.StorageName ?? GrainStorageNames.Default;
                var storage = _host.Services.GetKeyedService<IGrainStorage>(storageName)
                    ?? throw new InvalidOperationException(
                        $"{ClassInfo.ClassType.Name} needs storage provider '{storageName}' for state '{stateAttribute.StateName}', but none is configured on silo {SiloName} (use --storage, AddMemoryGrainStorage or AddSqliteGrainStorage).");
                var stateType = parameter.ParameterType.GetGenericArguments()[0];
                var bridge = (IPersistentStateLoader)Activator.CreateInstance(typeof(PersistentState<>).MakeGenericType(stateType), stateAttribute.StateName, GrainId, storage)!;
                _persistentStates.Add(bridge);
                arguments[i] = bridge;
            }
            else if (parameter.ParameterType == typeof(IGrainContext))
            {
                arguments[i] = this;
            }
            else if (parameter.ParameterType == typeof(IGrainFactory))
            {
                arguments[i] = _host.GrainFactory;
            }
            else
            {
                arguments[i] = _host.Services.GetService(parameter.ParameterType)
                    ?? (parameter.HasDefaultValue ? parameter.DefaultValue
                        : throw new InvalidOperationException($"{ClassInfo.ClassType.Name}: no service of type {parameter.ParameterType.Name} for constructor parameter '{parameter.Name}'"));
            }
        }

        return Grain.CreateWithContext<Grain>(this, () => (Grain)ClassInfo.Constructor.Invoke(arguments));
    }

    /// <summary>Calls to a reentrant grain interleave; timer ticks only when their options say so.</summary>
    private bool Interleaves(WorkItem item) => item.Interleave || (ClassInfo.IsReentrant && item.Message is not null);

    private void PumpLocked()
    {
        if (State != ActivationState.Valid)
        {
            return;
        }

        while (_waiting.Count > 0)
        {
            var next = _waiting.Peek();
            var interleaves = Interleaves(next);
            var canRun = _running == 0 || (interleaves && !_runningExclusive);
            if (!canRun)
            {
                return;
            }

            _waiting.Dequeue();
            _running++;
            if (!interleaves)
            {
                _runningExclusive = true;
            }

            _ = Task.Factory.StartNew(s_runWorkItem, (this, next), CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
        }
    }

    private async Task RunAsync(WorkItem item)
    {
        try
        {
            if (item.Message is { } message)
            {
                await InvokeAsync(message).ConfigureAwait(true);
            }
            else
            {
                await item.Timer!.TickAsync().ConfigureAwait(true);
            }
        }
        finally
        {
            OnTurnEnded(item);
        }
    }

    private void OnTurnEnded(WorkItem item)
    {
        var interleaved = Interleaves(item);
        var finishDeactivation = false;
        lock (_lock)
        {
            _running--;
            if (!interleaved)
            {
                _runningExclusive = false;
            }

            if (item.Message is not null || item.Timer!.KeepAlive)
            {
                LastActivity = _host.TimeProvider.GetTimestamp();
            }

            if (State == ActivationState.Valid && _deactivateOnIdle && _running == 0)
            {
                State = ActivationState.Deactivating;
                _deactivationReason = new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called");
            }

            if (State == ActivationState.Deactivating)
            {
                finishDeactivation = _running == 0;
            }
            else
            {
                PumpLocked();
            }
        }

        if (finishDeactivation)
        {
            _ = Task.Factory.StartNew(FinishDeactivationAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();
        }
    }

    private Task InvokeAsync(Message message) =>
        IncomingCallInvoker.InvokeAsync(Instance!, message, _host.Serializer, _host.MaxMessageSize, _host.SendResponse, ex => _host.OnOneWayFailed(this, message, ex), _host.TelemetryOrigin);

    /// <summary>Begins deactivation: no new turns start; once running ones end, OnDeactivateAsync runs and the activation leaves.</summary>
    public void StartDeactivation(DeactivationReason reason)
    {
        bool finishNow;
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return;
            }

            if (State is ActivationState.Registering)
            {
                _deactivateAfterRegistration = true;
                _deactivationReason = reason;
                return;
            }

            State = ActivationState.Deactivating;
            _deactivationReason = reason;
            finishNow = _running == 0;
        }

        if (finishNow)
        {
            _ = Task.Factory.StartNew(FinishDeactivationAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();
        }
    }

    public Task Deactivated => _deactivated.Task;

    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task FinishDeactivationAsync()
    {
        try
        {
            foreach (var timer in _timers.ToArray())
            {
                timer.Dispose();
            }

            if (Instance is not null)
            {
                using var timeout = new CancellationTokenSource(_host.DeactivationTimeout);
                await Instance.OnDeactivateAsync(_deactivationReason, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(true);
            }
        }
        catch (Exception ex)
        {
            _host.OnDeactivationFailed(this, ex);
        }

        List<Message> leftovers;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            leftovers = DrainMessagesLocked();
        }

        if (_activated)
        {
            RuntimeTelemetry.Activations.Add(-1, _host.TelemetryOrigin.Tag);
        }

        _host.OnDeactivated(this, leftovers);
        _deactivated.TrySetResult();
    }

    private List<Message> DrainMessagesLocked()
    {
        var messages = new List<Message>(_waiting.Count);
        while (_waiting.TryDequeue(out var item))
        {
            if (item.Message is not null)
            {
                messages.Add(item.Message);
            }
        }

        return messages;
    }

    public void DeactivateOnIdle()
    {
        bool startNow;
        lock (_lock)
        {
            _deactivateOnIdle = true;
            startNow = State == ActivationState.Valid && _running == 0;
        }

        if (startNow)
        {
            StartDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called"));
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        lock (_lock)
        {
            _keepAliveUntil = _host.TimeProvider.GetTimestamp() + (long)(timeSpan.TotalSeconds * _host.TimeProvider.TimestampFrequency);
        }
    }

    public IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, options, _host.TimeProvider);
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Cannot register a timer on {GrainId}: it is deactivating");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>A timer fired: run its callback as a turn unless the previous tick is still queued or running.</summary>
    internal void EnqueueTimerTick(GrainTimer timer)
    {
        lock (_lock)
        {
            // a timer registered in OnActivateAsync may fire before the activation is Valid: the tick waits in the queue
            if (State is ActivationState.Activating or ActivationState.Valid)
            {
                _waiting.Enqueue(new WorkItem(null, timer, timer.Interleave));
                PumpLocked();
                return;
            }
        }

        timer.OnTickDropped();
    }

    public override string ToString() => $"[Activation {GrainId} #{ActivationId} {State}]";

    private readonly record struct WorkItem(Message? Message, GrainTimer? Timer, bool Interleave);
}
