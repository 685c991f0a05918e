using System.Diagnostics;
using System.Globalization;
using Dist.GrainInterfaces.Election;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Grains.Election;

/// <summary>
/// One election node, bound to its silo (<see cref="MachineBoundPlacementAttribute"/>, key <c>silo/id</c>). The grain
/// carries messages and timers; <see cref="IElectionRules"/> decides. Reentrant: a node sends while it receives, and two
/// nodes sending to each other at once must not wait for each other's turn. Every step of the rules runs inside one turn.
/// </summary>
[Reentrant]
[MachineBoundPlacement]
public sealed class ElectionNodeGrain(
    [PersistentState("electionNode", "Default")] IPersistentState<ElectionNodeState> stored,
    ILogger<ElectionNodeGrain> logger,
    ILocalSiloDetails silo,
    TimeProvider time) : Grain, IElectionNodeGrain
{
    private readonly List<ElectionLogEntry> _log = [];
    private readonly List<IGrainTimer> _timers = [];
    private Dictionary<int, string> _keys = [];
    private int[] _ids = [];
    private int _id;
    private ElectionSetup? _setup;
    private IElectionRules? _rules;
    private HeartbeatMonitor? _monitor;
    private SuspectedNodes _suspected = new(TimeSpan.Zero);
    private IGrainTimer? _heartbeat;
    private bool _crashed;
    private bool _pinging;
    private bool _restartPending;
    private int _pending;
    private int _generation;
    private int _electionsStarted;
    private int _messagesSent;

    private TimeSpan Timeout => TimeSpan.FromMilliseconds(_setup?.MessageTimeoutMs ?? 500);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (_, local) = MachineBoundKey.Parse(this.GetPrimaryKeyString());
        _id = int.TryParse(local, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new FormatException($"election node key '{this.GetPrimaryKeyString()}' must end in a positive node id");
        await base.OnActivateAsync(cancellationToken);
        if (stored.State.Setup is { } setup)
        {
            // this node was in a run and its activation is gone: its silo died (or it sat idle long enough to be collected).
            // It comes back knowing its peers but not its leader, and starts an election unless the call that activated it
            // is a Configure for a new run, which runs first.
            Use(setup, coordinator: 0);
            _restartPending = true;
            var runId = setup.RunId;
            RegisterOnce(TimeSpan.FromMilliseconds(200), () =>
            {
                if (_restartPending && _setup?.RunId == runId)
                {
                    ElectionLog.Restarted(logger, runId, _id, silo.Name);
                    RecoverCore("came back on a new silo process after its silo went down");
                }
            });
        }
    }

    public async Task<ElectionNodeStatus> Configure(ElectionSetup setup)
    {
        Use(setup, setup.InitialCoordinator);
        _restartPending = false;
        _log.Clear();
        stored.State.Setup = setup;
        await stored.WriteStateAsync();
        ElectionLog.Configured(logger, setup.RunId, _id, setup.Algorithm.ToString(), setup.NodeKeys.Length, setup.InitialCoordinator, silo.Name);
        return Status();
    }

    public async Task<bool> Deliver(ElectionMessage message)
    {
        if (_crashed)
        {
            // a crashed machine does not answer: the sender's timeout ends the wait
            await Task.Delay(Timeout * 2, time);
            return false;
        }

        if (_rules is null || message.RunId != _setup?.RunId)
        {
            return false;
        }

        _suspected.Alive([message.From, .. message.Ids]);
        Apply(_rules.Receive(message));
        return true;
    }

    public async Task<bool> Ping(int from)
    {
        if (_crashed)
        {
            await Task.Delay(Timeout * 2, time);
            return false;
        }

        return _rules is not null;
    }

    public Task StartElection(string reason)
    {
        if (_rules is not null && !_crashed)
        {
            Start(reason);
        }

        return Task.CompletedTask;
    }

    public Task Crash()
    {
        if (_setup is not null && !_crashed)
        {
            _crashed = true;
            ClearTimers();
            Note("crashed: stops answering");
            ElectionLog.Crashed(logger, _setup.RunId, _id);
        }

        return Task.CompletedTask;
    }

    public Task<ElectionNodeStatus> Recover()
    {
        if (_setup is not null && (_crashed || _restartPending))
        {
            ElectionLog.Recovered(logger, _setup.RunId, _id);
            RecoverCore(_crashed ? "recovered" : "came back on a new silo process after its silo went down");
        }

        return Task.FromResult(Status());
    }

    public async Task Finish()
    {
        ClearTimers();
        _generation++;
        _rules = null;
        _setup = null;
        _crashed = false;
        _restartPending = false;
        _log.Clear();
        if (stored.RecordExists)
        {
            await stored.ClearStateAsync();
        }
    }

    public Task<ElectionNodeStatus> GetStatus() => Task.FromResult(Status());

    public Task<ElectionLogEntry[]> GetLog(string runId) =>
        Task.FromResult(_setup?.RunId == runId ? [.. _log.OrderBy(e => e.At)] : Array.Empty<ElectionLogEntry>());

    private void RecoverCore(string why)
    {
        var setup = _setup!;
        _crashed = false;
        _restartPending = false;
        // a restarted process remembers its peers (configuration) but not who leads nor any election in progress
        Use(setup, coordinator: 0);
        Start(why);
    }

    /// <summary>Fresh rules, failure detector and timers for <paramref name="setup"/>.</summary>
    private void Use(ElectionSetup setup, int coordinator)
    {
        ClearTimers();
        _setup = setup;
        _generation++;
        _crashed = false;
        _pending = 0;
        _electionsStarted = 0;
        _messagesSent = 0;
        _keys = setup.NodeKeys.ToDictionary(k => k.Id, k => k.Key);
        _ids = [.. _keys.Keys.Order()];
        _rules = ElectionRules.Create(setup.Algorithm, _id, _ids, coordinator, setup.RunId, new ElectionTimings(Timeout));
        _monitor = new HeartbeatMonitor(Math.Max(1, setup.MissedHeartbeats));
        _suspected = new SuspectedNodes(Timeout * 10);
        if (setup.MonitorCoordinator && setup.HeartbeatPeriodMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(setup.HeartbeatPeriodMs);
            _heartbeat = this.RegisterGrainTimer(_ => HeartbeatAsync(), new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true, KeepAlive = true });
        }
    }

    private void Start(string reason)
    {
        var rules = _rules!;
        if (rules.Electing)
        {
            return;
        }

        _electionsStarted++;
        Note(reason);
        Apply(rules.StartElection());
    }

    /// <summary>One heartbeat to the coordinator; the missed ones add up to an election.</summary>
    private async Task HeartbeatAsync()
    {
        if (_crashed || _pinging || _rules is not { Electing: false } rules || _setup is not { } setup)
        {
            return;
        }

        var coordinator = rules.Coordinator;
        if (coordinator == 0 || coordinator == _id || !_keys.TryGetValue(coordinator, out var key))
        {
            return;
        }

        _pinging = true;
        bool answered;
        try
        {
            using var span = ElectionTelemetry.StartInRun($"heartbeat {_id}→{coordinator}", ActivityKind.Client, setup.TraceParent);
            answered = await WithinTimeout(GrainFactory.GetGrain<IElectionNodeGrain>(key).Ping(_id));
            span?.SetTag("election.answered", answered);
        }
        finally
        {
            _pinging = false;
        }

        if (_crashed || _setup != setup || _rules != rules || rules.Coordinator != coordinator || rules.Electing)
        {
            // the world moved on while the ping was out
            return;
        }

        if (answered)
        {
            _monitor!.Answered();
        }
        else if (_monitor!.Missed())
        {
            Start($"noticed the crash of coordinator {coordinator}: {_monitor.MissLimit} heartbeats in a row unanswered");
        }
    }

    /// <summary>Sends the step's messages (each in the background, within the timeout), sets its timer, records its note.</summary>
    private void Apply(NodeStep step)
    {
        if (step.Note is not null)
        {
            Note(step.Note);
        }

        foreach (var send in step.Send)
        {
            _ = SendAsync(send);
        }

        if (step.Timer is { } timer)
        {
            var rules = _rules;
            RegisterOnce(timer.Delay, () =>
            {
                if (!_crashed && _rules == rules && rules is not null)
                {
                    Apply(rules.OnTimer(timer));
                }
            });
        }
    }

    private async Task SendAsync(OutgoingMessage send)
    {
        var setup = _setup!;
        var rules = _rules;
        var generation = _generation;
        var message = send.Message;
        var sentAt = time.GetUtcNow();
        _pending++;
        _messagesSent++;
        try
        {
            if (send.To is { } to)
            {
                var (delivered, took) = await DeliverAsync(setup, to, message);
                Record(setup, new ElectionLogEntry(sentAt, _id, message.Kind, to, delivered, [], Describe(message), took));
                return;
            }

            // Ring: the next live successor takes it; dead ones are tried in order and skipped (known dead ones at once)
            var skipped = new List<int>();
            foreach (var candidate in RingRules.Successors(_id, _ids))
            {
                if (_suspected.IsSuspected(candidate, time.GetUtcNow()))
                {
                    skipped.Add(candidate);
                    continue;
                }

                var (delivered, took) = await DeliverAsync(setup, candidate, message);
                if (delivered)
                {
                    Record(setup, new ElectionLogEntry(sentAt, _id, message.Kind, candidate, true, [.. skipped], Describe(message), took));
                    return;
                }

                _suspected.Suspect(candidate, time.GetUtcNow());
                skipped.Add(candidate);
            }

            _messagesSent--;
            if (_setup == setup && _rules == rules && rules is not null && !_crashed)
            {
                Apply(rules.NoLiveSuccessor(message));
            }
        }
        finally
        {
            if (_generation == generation)
            {
                _pending--;
            }
        }
    }

    private async Task<(bool Delivered, double TookMs)> DeliverAsync(ElectionSetup setup, int to, ElectionMessage message)
    {
        using var span = ElectionTelemetry.StartMessage(message.Kind, _id, to, setup.RunId, setup.TraceParent);
        var started = time.GetTimestamp();
        var delivered = await WithinTimeout(GrainFactory.GetGrain<IElectionNodeGrain>(_keys[to]).Deliver(message));
        span?.SetTag("election.delivered", delivered);
        if (!delivered)
        {
            span?.SetStatus(ActivityStatusCode.Error, $"node {to} did not take it within {Timeout.TotalMilliseconds:0} ms");
        }

        return (delivered, time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The call's answer, or false when it failed (its machine is down) or took longer than the message timeout.</summary>
    private async Task<bool> WithinTimeout(Task<bool> call)
    {
        try
        {
            return await call.WaitAsync(Timeout, time);
        }
        catch (TimeoutException)
        {
            // the call goes on in Orleans until its response timeout; observe its end so it is not reported as unobserved
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return false;
        }
        catch (OrleansException)
        {
            // MachineDownException (the node's silo is gone), a refused connection, a dead silo
            return false;
        }
    }

    private void RegisterOnce(TimeSpan delay, Action action)
    {
        IGrainTimer? timer = null;
        timer = this.RegisterGrainTimer(_ =>
        {
            timer?.Dispose();
            _timers.Remove(timer!);
            action();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = delay, Period = System.Threading.Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
        _timers.Add(timer);
    }

    private void ClearTimers()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    private void Note(string text)
    {
        if (_setup is { } setup)
        {
            Record(setup, new ElectionLogEntry(time.GetUtcNow(), _id, null, 0, false, [], text, 0));
            ElectionLog.Event(logger, setup.RunId, _id, text);
        }
    }

    private void Record(ElectionSetup setup, ElectionLogEntry entry)
    {
        if (_setup == setup)
        {
            _log.Add(entry);
        }
    }

    private static string Describe(ElectionMessage message) => message.Kind switch
    {
        ElectionMessageKind.Election when message.Ids.Length > 0 => $"[{string.Join(", ", message.Ids)}]",
        ElectionMessageKind.Coordinator => message.Coordinator.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private ElectionNodeStatus Status() => new(
        _id,
        _setup?.RunId ?? "",
        silo.Name,
        Environment.MachineName,
        Environment.ProcessId,
        _crashed,
        _rules?.Coordinator ?? 0,
        _rules?.Electing ?? false,
        _pending,
        _electionsStarted,
        _messagesSent);
}
