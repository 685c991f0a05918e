using System.Diagnostics;
using Dist.GrainInterfaces.Groups;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A group member. Sending: each send is numbered and persisted in the member's outbox before it is handed to the
/// destination group, and stays there until the group accepted it (retried by a timer, and after a crash by a reminder
/// and on reactivation). Receiving: batches from groups go through the <see cref="MemberInbox"/> (dedup, fifo and total
/// hold-back) into the persisted delivery log; a batch is acknowledged only once written. Watchers (observers) see
/// every new log entry.
/// </summary>
public sealed class MemberGrain(
    [PersistentState("member", "Default")] IPersistentState<MemberState> state,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<MemberGrain> logger) : Grain, IMemberGrain, IRemindable
{
    private const string ReminderName = "member-outbox";
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    private readonly ObserverManager<IMemberObserver> _watchers = new(TimeSpan.FromMinutes(2), logger);
    private MemberInbox _inbox = null!;
    private SenderOutbox _sender = null!;
    private IGrainTimer? _retryTimer;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _inbox = new MemberInbox(state.State.Inbox, state.State.Log.Select(e => e.Message.MessageId));
        _sender = new SenderOutbox(state.State.Sender);
        if (_sender.Pending > 0)
        {
            GroupsLog.SenderResuming(logger, Name, _sender.Pending);
            StartRetrying();
        }

        return Task.CompletedTask;
    }

    public async Task<SendReceipt> Send(string destination, DeliveryOrder order, string text)
    {
        if (GroupNames.CheckDestination(destination) is { } error)
        {
            throw new ArgumentException(error);
        }

        ArgumentNullException.ThrowIfNull(text);
        await RegisterAsync(write: false);
        using var multicast = GroupsTelemetry.StartMulticast(Name, destination, order.ToString().ToLowerInvariant());
        var message = _sender.Add(
            Guid.NewGuid().ToString("N"), Name, destination, order, text, time.GetUtcNow().UtcTicks, multicast?.Id);
        multicast?.SetTag("orleansdist.group.message_id", message.MessageId);
        // persisted before anyone hears of it: from here on the send is retried until its destination accepts it
        await state.WriteStateAsync();
        var acks = await HandOverAsync();
        var handedOff = acks.TryGetValue(message.MessageId, out var ack);
        multicast?.SetTag("orleansdist.group.handed_off", handedOff);
        if (!handedOff)
        {
            StartRetrying();
        }

        return new SendReceipt(message.MessageId, destination, message.SendSeq, message.FifoSeq, ack?.TotalSeq ?? 0, handedOff, ack?.Members ?? 0, silo.Name);
    }

    public async Task Deliver(DeliveryBatch batch)
    {
        var ready = _inbox.Receive(batch);
        var now = time.GetUtcNow().UtcTicks;
        var entries = new List<LogEntry>(ready.Count);
        var spans = new List<Activity>();
        foreach (var message in ready)
        {
            var entry = new LogEntry { Index = state.State.Log.Count + 1, Message = message, DeliveredAtTicks = now };
            state.State.Log.Add(entry);
            entries.Add(entry);
            if (GroupsTelemetry.StartDelivery(message.TraceParent, Name) is { } span)
            {
                span.SetTag("orleansdist.group.destination", message.Destination);
                span.SetTag("orleansdist.group.log_index", entry.Index);
                span.SetTag("orleansdist.group.latency_ms", TimeSpan.FromTicks(now - message.SentAtTicks).TotalMilliseconds);
                spans.Add(span);
            }
        }

        try
        {
            // acknowledged (by returning) only once delivered and held-back messages are in storage
            await state.WriteStateAsync();
        }
        finally
        {
            foreach (var span in spans)
            {
                span.Dispose();
            }
        }

        if (entries.Count > 0 && _watchers.Count > 0)
        {
            _ = NotifyWatchersAsync(entries);
        }
    }

    public Task<IReadOnlyList<LogEntry>> GetLog(long fromIndex, int max)
    {
        var log = state.State.Log;
        var start = (int)Math.Clamp(fromIndex - 1, 0, log.Count);
        var count = Math.Clamp(max, 0, log.Count - start);
        return Task.FromResult<IReadOnlyList<LogEntry>>(log.GetRange(start, count));
    }

    public Task<LogEntry?> FindDelivered(string messageId)
    {
        if (!_inbox.WasDelivered(messageId))
        {
            return Task.FromResult<LogEntry?>(null);
        }

        // recent messages are looked up: search from the end
        var log = state.State.Log;
        for (var i = log.Count - 1; i >= 0; i--)
        {
            if (log[i].Message.MessageId == messageId)
            {
                return Task.FromResult<LogEntry?>(log[i]);
            }
        }

        return Task.FromResult<LogEntry?>(null);
    }

    public Task<MemberInfo> GetInfo() =>
        Task.FromResult(new MemberInfo(Name, state.State.Log.Count, _inbox.HeldBackCount, _sender.Pending, silo.Name));

    public Task Register() => RegisterAsync(write: true);

    public Task Subscribe(IMemberObserver observer)
    {
        _watchers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IMemberObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartRetrying();
        return Task.CompletedTask;
    }

    private async Task RegisterAsync(bool write)
    {
        if (state.State.Registered)
        {
            return;
        }

        if (GroupNames.CheckName(Name, "member") is { } error)
        {
            throw new ArgumentException(error);
        }

        await GrainFactory.GetGrain<IGroupGrain>(GroupNames.All).Join(Name);
        state.State.Registered = true;
        if (write)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Hands the outbox over in order, stopping at a destination that does not answer (its later sends wait behind).</summary>
    private async Task<Dictionary<string, MulticastAck>> HandOverAsync()
    {
        var acks = new Dictionary<string, MulticastAck>();
        var blocked = new HashSet<string>();
        foreach (var message in _sender.ToHandOver())
        {
            if (blocked.Contains(message.Destination))
            {
                continue;
            }

            try
            {
                var ack = await GrainFactory.GetGrain<IGroupGrain>(message.Destination).Multicast(message);
                if (ack.Outcome == MulticastOutcome.OutOfOrder)
                {
                    GroupsLog.OutOfOrder(logger, Name, message.Destination, ack.ExpectedSendSeq, message.SendSeq);
                    blocked.Add(message.Destination);
                    continue;
                }

                _sender.Accepted(message);
                acks[message.MessageId] = ack;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                GroupsLog.HandOverFailed(logger, Name, message.Destination, message.SendSeq, ex.Message);
                blocked.Add(message.Destination);
            }
        }

        return acks;
    }

    private void StartRetrying()
    {
        _retryTimer ??= this.RegisterGrainTimer(RetryAsync, RetryPeriod, RetryPeriod);
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        if (_sender.Pending > 0)
        {
            // a crash from here on leaves the outbox in storage: the reminder reactivates this member to finish
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            await HandOverAsync();
        }

        if (_sender.Pending == 0)
        {
            await state.WriteStateAsync();
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _retryTimer?.Dispose();
            _retryTimer = null;
        }
    }

    private async Task NotifyWatchersAsync(IReadOnlyList<LogEntry> entries)
    {
        try
        {
            await _watchers.Notify(w => w.Delivered(entries));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // a watcher that went away is dropped by the manager; the log is the record
        }
    }
}
