using System.Diagnostics;
using Dist.GrainInterfaces.Groups;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A multicast group: membership, the sequencer for total order, and a persisted outbox. A message is acknowledged to
/// its sender only once it is in the group's storage; from then on one delivery loop per member sends it (in outbox
/// order, in batches) until the member acknowledges, retrying with backoff while the member's silo is down. A reminder
/// wakes the group after its own silo died while messages were still pending. Reentrant: state changes happen between
/// awaits, and concurrent multicasts share one storage write (<see cref="CoalescingWriter"/>).
/// </summary>
[Reentrant]
public sealed class GroupGrain(
    [PersistentState("group", "Default")] IPersistentState<GroupState> state,
    ILocalSiloDetails silo,
    ILogger<GroupGrain> logger) : Grain, IGroupGrain, IRemindable
{
    private const int BatchSize = 256;
    private const string ReminderName = "group-outbox";
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _delivering = [];
    private GroupOutbox _outbox = null!;
    private CoalescingWriter _writer = null!;
    private long _durableIndex;
    private bool _dirty;
    private bool _reminderOn;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _outbox = new GroupOutbox(state.State);
        _writer = new CoalescingWriter(WriteOnceAsync);
        _durableIndex = state.State.LastIndex;
        if (Name == GroupNames.All)
        {
            state.State.Exists = true;
        }
        else if (GroupNames.IsUnicast(Name))
        {
            // member N's own channel: N is its only member, from the first message on
            state.State.Exists = true;
            _outbox.Join(GroupNames.UnicastMember(Name));
        }

        this.RegisterGrainTimer(FlushAsync, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        if (state.State.Outbox.Count > 0)
        {
            GroupsLog.Resuming(logger, Name, state.State.Outbox.Count);
            _reminderOn = true;
            DeliverToAll();
        }

        return Task.CompletedTask;
    }

    public async Task<bool> Create()
    {
        if (GroupNames.IsUnicast(Name))
        {
            throw new ArgumentException($"{Name} is a member's own unicast channel, not a group");
        }

        if (state.State.Exists && state.RecordExists)
        {
            return false;
        }

        state.State.Exists = true;
        await _writer.WriteAsync();
        return true;
    }

    public async Task<bool> Join(string member)
    {
        CheckMulticastGroup();
        if (GroupNames.CheckName(member, "member") is { } error)
        {
            throw new ArgumentException(error);
        }

        if (!_outbox.Join(member))
        {
            return false;
        }

        await _writer.WriteAsync();
        return true;
    }

    public async Task<bool> Leave(string member)
    {
        CheckMulticastGroup();
        if (!_outbox.Leave(member))
        {
            return false;
        }

        await _writer.WriteAsync();
        return true;
    }

    public Task<GroupInfo> GetInfo() => Task.FromResult(new GroupInfo(
        Name,
        state.State.Exists,
        [.. state.State.Members.Keys.Order(StringComparer.Ordinal)],
        state.State.LastIndex,
        state.State.LastTotalSeq,
        state.State.Outbox.Count,
        _outbox.PendingDeliveries,
        silo.Name));

    public async Task<IReadOnlyList<MulticastAck>> Multicast(IReadOnlyList<GroupMessage> messages)
    {
        if (!state.State.Exists)
        {
            throw new InvalidOperationException($"group '{Name}' does not exist (create it with: group create {Name})");
        }

        if (messages.FirstOrDefault(m => m.Destination != Name) is { } stray)
        {
            throw new ArgumentException($"message {stray.MessageId} is addressed to {stray.Destination}, not {Name}");
        }

        var acks = messages.Select(_outbox.Accept).ToList();
        if (acks.All(a => a.Outcome != MulticastOutcome.Accepted))
        {
            return acks;
        }

        Activity.Current?.SetTag("orleansdist.group.accepted", acks.Count(a => a.Outcome == MulticastOutcome.Accepted));
        // the hand-off point: once this write returns, every member will get the messages
        await _writer.WriteAsync();
        if (!_reminderOn)
        {
            _reminderOn = true;
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }

        DeliverToAll();
        return acks;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Outbox.Count == 0)
        {
            // everything was delivered before the silo went: the reminder outlived its work
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        // activation resumed delivery already; this restarts any loop that is not running
        DeliverToAll();
    }

    private void CheckMulticastGroup()
    {
        if (GroupNames.IsUnicast(Name))
        {
            throw new ArgumentException($"{Name} is a member's own unicast channel: nobody joins or leaves it");
        }

        if (!state.State.Exists)
        {
            throw new InvalidOperationException($"group '{Name}' does not exist (create it with: group create {Name})");
        }
    }

    private void DeliverToAll()
    {
        foreach (var member in _outbox.MembersBehind(_durableIndex).ToList())
        {
            if (_delivering.Add(member))
            {
                _ = DeliverLoopAsync(member);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="member"/> everything it has not acknowledged, batch by batch, until it has it all; runs between
    /// the grain's turns (not as one), so new multicasts are accepted meanwhile.
    /// </summary>
    private async Task DeliverLoopAsync(string member)
    {
        // deliveries carry each message's own trace; not the one of the call that happened to start the loop
        Activity.Current = null;
        var delay = TimeSpan.FromMilliseconds(20);
        var failures = 0;
        try
        {
            // only what storage holds goes out: a message is either delivered to every member or, lost with its silo before the write, to none
            while (_outbox.Next(Name, member, BatchSize, _durableIndex) is var (batch, last))
            {
                try
                {
                    await GrainFactory.GetGrain<IMemberGrain>(member).Deliver(batch);
                    _outbox.Acknowledge(member, batch.Epoch, last);
                    _dirty = true;
                    if (failures > 0)
                    {
                        GroupsLog.DeliveryResumed(logger, Name, member, failures, (int)(state.State.LastIndex - last));
                        failures = 0;
                    }

                    delay = TimeSpan.FromMilliseconds(20);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
                {
                    if (failures++ == 0)
                    {
                        GroupsLog.DeliveryFailed(logger, Name, member, ex.Message, (long)MaxRetryDelay.TotalMilliseconds);
                    }

                    await Task.Delay(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                }
            }
        }
        finally
        {
            _delivering.Remove(member);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await _writer.WriteAsync();
        }

        if (_reminderOn && state.State.Outbox.Count == 0)
        {
            _reminderOn = false;
            if (await this.GetReminder(ReminderName) is { } reminder && state.State.Outbox.Count == 0)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        else if (state.State.Outbox.Count > 0)
        {
            // a member that failed and was given up on by no one: every loop is running or restarted here
            DeliverToAll();
        }
    }

    private async Task WriteOnceAsync()
    {
        _outbox.Trim();
        _dirty = false;
        var lastIndex = state.State.LastIndex;
        try
        {
            await state.WriteStateAsync();
            _durableIndex = Math.Max(_durableIndex, lastIndex);
        }
        catch
        {
            // memory now holds what storage does not: start again from storage rather than acknowledge it later
            DeactivateOnIdle();
            throw;
        }
    }
}
