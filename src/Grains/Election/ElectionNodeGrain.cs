using System.Diagnostics;
using System.Globalization;
using Dist.GrainInterfaces.Election;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Grains.Election;

/// <summary>
/// One election node, bound to its silo (<see cref="MachineBoundPlacementAttribute"/>, key <c>silo/id</c>). The grain
/// carries messages and timers; <see cref="IElectionRules"/> decides; the node's volatile state is its machine's memory
/// (<see cref="NodeMemory"/>), its setup is on disk. Reentrant: a node sends while it receives, and two nodes sending to
/// each other at once must not wait for each other's turn. Every step of the rules runs inside one turn.
/// </summary>
[Reentrant]
[MachineBoundPlacement]
public sealed class ElectionNodeGrain(
    [PersistentState("electionNode", "Default")] IPersistentState<ElectionNodeState> stored,
    ILogger<ElectionNodeGrain> logger,
    ILocalSiloDetails silo,
    TimeProvider time) : Grain, IElectionNodeGrain
{
    private readonly List<IGrainTimer> _timers = [];
    private NodeMemory _m = new();
    private Dictionary<int, string> _keys = [];
    private int[] _ids = [];
    private int _id;
    private IGrainTimer? _heartbeat;
    private bool _pinging;

    private TimeSpan Timeout => TimeSpan.FromMilliseconds(_m.Setup?.MessageTimeoutMs ?? 500);

    /// <summary>This silo process: its address with the generation, new at every start.</summary>
    private string SiloIdentity => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (_, local) = MachineBoundKey.Parse(this.GetPrimaryKeyString());
        _id = int.TryParse(local, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new FormatException($"election node key '{this.GetPrimaryKeyString()}' must end in a positive node id");
        await base.OnActivateAsync(cancellationToken);
        _m = NodeMemory.Of(SiloIdentity, this.GetPrimaryKeyString(), out var existed);
        if (existed && _m.Setup is { } remembered)
        {
            // the same process: Orleans deactivated this grain (its directory entry lived on a silo that died), the machine did
            // not crash; carry on where it was, timers included
            UsePeers(remembered);
            Note("reactivated by Orleans on the same silo process; carries on from its machine's memory");
            StartHeartbeat();
            foreach (var (timer, due) in _m.Timers.ToList())
            {
                var left = due - time.GetUtcNow();
                SetRuleTimer(timer, left > TimeSpan.Zero ? left : TimeSpan.Zero, due);
            }

            return;
        }

        if (stored.State.Setup is { } setup)
        {
            // a new process of its silo: the machine crashed and came back. It remembers its peers (on disk) but not who
            // leads, and starts an election, unless the call that activated it configures a new run (that runs first)
            Use(setup, coordinator: 0);
            _m.RestartPending = true;
            var runId = setup.RunId;
            RegisterOnce(TimeSpan.FromMilliseconds(200), () =>
            {
                if (_m.RestartPending && _m.Setup?.RunId == runId)
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
        _m.RestartPending = false;
        _m.Log.Clear();
        stored.State.Setup = setup;
        await stored.WriteStateAsync();
        ElectionLog.Configured(logger, setup.RunId, _id, setup.Algorithm.ToString(), setup.NodeKeys.Length, setup.InitialCoordinator, silo.Name);
        return Status();
    }

    public async Task<bool> Deliver(ElectionMessage message)
    {
        if (_m.Crashed)
        {
            // a crashed machine does not answer: the sender's timeout ends the wait
            await Task.Delay(Timeout * 2, time);
            return false;
        }

        if (_m.Rules is not { } rules || message.RunId != _m.Setup?.RunId)
        {
            return false;
        }

        _m.Suspected.Alive([message.From, .. message.Ids]);
        Apply(rules.Receive(message));
        return true;
    }

    public async Task<bool> Ping(int from)
    {
        if (_m.Crashed)
        {
            await Task.Delay(Timeout * 2, time);
            return false;
        }

        return _m.Rules is not null;
    }

    public Task StartElection(string reason)
    {
        if (_m.Rules is not null && !_m.Crashed)
        {
            Start(reason);
        }

        return Task.CompletedTask;
    }

    public Task Crash()
    {
        if (_m.Setup is { } setup && !_m.Crashed)
        {
            _m.Crashed = true;
            ClearTimers();
            Note("crashed: stops answering");
            ElectionLog.Crashed(logger, setup.RunId, _id);
        }

        return Task.CompletedTask;
    }

    public Task<ElectionNodeStatus> Recover()
    {
        if (_m.Setup is { } setup && (_m.Crashed || _m.RestartPending))
        {
            ElectionLog.Recovered(logger, setup.RunId, _id);
            RecoverCore(_m.Crashed ? "recovered" : "came back on a new silo process after its silo went down");
        }

        return Task.FromResult(Status());
    }

    public async Task Finish()
    {
        ClearTimers();
        _m.Generation++;
        _m.Rules = null;
        _m.Setup = null;
        _m.Crashed = false;
        _m.RestartPending = false;
        _m.Log.Clear();
        _m.Sending.Clear();
        NodeMemory.Forget(SiloIdentity, this.GetPrimaryKeyString());
        _m = NodeMemory.Of(SiloIdentity, this.GetPrimaryKeyString(), out _);
        if (stored.RecordExists)
        {
            await stored.ClearStateAsync();
        }
    }

    public Task<ElectionNodeStatus> GetStatus() => Task.FromResult(Status());

    public Task<ElectionLogEntry[]> GetLog(string runId) =>
        Task.FromResult(_m.Setup?.RunId == runId ? [.. _m.Log.OrderBy(e => e.At)] : Array.Empty<ElectionLogEntry>());

    private void RecoverCore(string why)
    {
        var setup = _m.Setup!;
        _m.Crashed = false;
        _m.RestartPending = false;
        // a restarted process remembers its peers (configuration) but not who leads nor any election in progress
        Use(setup, coordinator: 0);
        Start(why);
    }

    /// <summary>Fresh rules, failure detector and timers for <paramref name="setup"/>.</summary>
    private void Use(ElectionSetup setup, int coordinator)
    {
        ClearTimers();
        _m.Setup = setup;
        _m.Generation++;
        _m.Crashed = false;
        _m.Sending.Clear();
        _m.Timers.Clear();
        _m.ElectionsStarted = 0;
        _m.MessagesSent = 0;
        UsePeers(setup);
        _m.Rules = ElectionRules.Create(setup.Algorithm, _id, _ids, coordinator, setup.RunId, new ElectionTimings(Timeout));
        _m.Monitor = new HeartbeatMonitor(Math.Max(1, setup.MissedHeartbeats));
        _m.Suspected = new SuspectedNodes(Timeout * 10);
        StartHeartbeat();
    }

    private void UsePeers(ElectionSetup setup)
    {
        _keys = setup.NodeKeys.ToDictionary(k => k.Id, k => k.Key);
        _ids = [.. _keys.Keys.Order()];
    }

    private void StartHeartbeat()
    {
        if (_m.Setup is { MonitorCoordinator: true, HeartbeatPeriodMs: > 0 } setup && !_m.Crashed)
        {
            var period = TimeSpan.FromMilliseconds(setup.HeartbeatPeriodMs);
            _heartbeat = this.RegisterGrainTimer(_ => HeartbeatAsync(), new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true, KeepAlive = true });
        }
    }

    private void Start(string reason)
    {
        var rules = _m.Rules!;
        if (rules.Electing)
        {
            return;
        }

        _m.ElectionsStarted++;
        Note(reason);
        Apply(rules.StartElection());
    }

    /// <summary>One heartbeat to the coordinator; the missed ones add up to an election.</summary>
    private async Task HeartbeatAsync()
    {
        if (_m.Crashed || _pinging || _m.Rules is not { Electing: false } rules || _m.Setup is not { } setup)
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

        if (_m.Crashed || _m.Setup != setup || _m.Rules != rules || rules.Coordinator != coordinator || rules.Electing)
        {
            // the world moved on while the ping was out
            return;
        }

        if (answered)
        {
            _m.Monitor!.Answered();
        }
        else if (_m.Monitor!.Missed())
        {
            Start($"noticed the crash of coordinator {coordinator}: {_m.Monitor.MissLimit} heartbeats in a row unanswered");
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
            var due = time.GetUtcNow() + timer.Delay;
            _m.Timers.Add((timer, due));
            SetRuleTimer(timer, timer.Delay, due);
        }
    }

    private void SetRuleTimer(ElectionTimer timer, TimeSpan delay, DateTimeOffset due)
    {
        var rules = _m.Rules;
        RegisterOnce(delay, () =>
        {
            _m.Timers.Remove((timer, due));
            if (!_m.Crashed && _m.Rules == rules && rules is not null)
            {
                Apply(rules.OnTimer(timer));
            }
        });
    }

    private async Task SendAsync(OutgoingMessage send)
    {
        var setup = _m.Setup!;
        var rules = _m.Rules;
        var memory = _m;
        var generation = memory.Generation;
        var message = send.Message;
        var sentAt = time.GetUtcNow();
        var sendId = memory.NextSend++;
        memory.Sending[sendId] = sentAt;
        memory.MessagesSent++;
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
                if (memory.Suspected.IsSuspected(candidate, time.GetUtcNow()))
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

                memory.Suspected.Suspect(candidate, time.GetUtcNow());
                skipped.Add(candidate);
            }

            memory.MessagesSent--;
            if (_m.Setup == setup && _m.Rules == rules && rules is not null && !_m.Crashed)
            {
                Apply(rules.NoLiveSuccessor(message));
            }
        }
        finally
        {
            if (memory.Generation == generation)
            {
                memory.Sending.Remove(sendId);
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
        _m.Timers.Clear();
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    private void Note(string text)
    {
        if (_m.Setup is { } setup)
        {
            Record(setup, new ElectionLogEntry(time.GetUtcNow(), _id, null, 0, false, [], text, 0));
            ElectionLog.Event(logger, setup.RunId, _id, text);
        }
    }

    private void Record(ElectionSetup setup, ElectionLogEntry entry)
    {
        if (_m.Setup == setup)
        {
            _m.Log.Add(entry);
        }
    }

    private static string Describe(ElectionMessage message) => message.Kind switch
    {
        ElectionMessageKind.Election when message.Ids.Length > 0 => $"[{string.Join(", ", message.Ids)}]",
        ElectionMessageKind.Coordinator => message.Coordinator.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    /// <summary>Sends in flight; one its activation lost (deactivated mid-send) stops counting once it is long overdue.</summary>
    private int PendingSends()
    {
        var stale = time.GetUtcNow() - Timeout * 4;
        return _m.Sending.Values.Count(started => started > stale);
    }

    private ElectionNodeStatus Status() => new(
        _id,
        _m.Setup?.RunId ?? "",
        silo.Name,
        Environment.MachineName,
        Environment.ProcessId,
        _m.Crashed,
        _m.Rules?.Coordinator ?? 0,
        _m.Rules?.Electing ?? false,
        PendingSends(),
        _m.ElectionsStarted,
        _m.MessagesSent);
}
