using System.Diagnostics;
using Dist.GrainInterfaces.Groups;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A group member. Sending: each send is numbered and persisted in the member's outbox before it is handed to the
/// destination group, and stays there until the group accepted it (retried by a timer, and after a crash by a reminder
/// and on reactivation). Receiving: batches from groups go through the <see cref="MemberInbox"/> (dedup, fifo and total
/// hold-back) into the persisted delivery log; a batch is acknowledged only once written. Watchers (observers) see
/// every new log entry. Reentrant, so that deliveries do not queue behind a burst of sends: state changes happen between
/// awaits, and concurrent sends and deliveries share one storage write (<see cref="CoalescingWriter"/>); readers see
/// only log entries already in storage.
/// </summary>
[Reentrant]
public sealed class MemberGrain(
    [PersistentState("member", "Default")] IPersistentState<MemberState> state,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<MemberGrain> logger) : Grain, IMemberGrain, IRemindable
{
    private const string ReminderName = "member-outbox";
    private const int BatchSize = 256;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly ObserverManager<IMemberObserver> _watchers = new(TimeSpan.FromMinutes(2), logger);
    private MemberInbox _inbox = null!;
    private SenderOutbox _sender = null!;
    private readonly HashSet<string> _knownDestinations = [GroupNames.All];
    private bool _handingOver;
    private CoalescingWriter _writer = null!;
    private int _durableLogCount;
    private Dictionary<string, long> _durableSendSeq = [];

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _inbox = new MemberInbox(state.State.Inbox, state.State.Log.Select(e => e.Message.MessageId));
        _sender = new SenderOutbox(state.State.Sender);
        _writer = new CoalescingWriter(WriteOnceAsync);
        _durableLogCount = state.State.Log.Count;
        _durableSendSeq = _sender.Snapshot();
        if (_sender.Pending > 0)
        {
            GroupsLog.SenderResuming(logger, Name, _sender.Pending);
            StartHandOver();
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
        if (!_knownDestinations.Contains(destination))
        {
            // refuse a send to a group that does not exist here, not in a retry loop later
            if (!(await GrainFactory.GetGrain<IGroupGrain>(destination).GetInfo()).Exists)
            {
                throw new InvalidOperationException($"group '{destination}' does not exist (create it with: group create {destination})");
            }

            _knownDestinations.Add(destination);
        }

        using var multicast = GroupsTelemetry.StartMulticast(Name, destination, order.ToString().ToLowerInvariant());
        var message = _sender.Add(
            Guid.NewGuid().ToString("N"), Name, destination, order, text, time.GetUtcNow().UtcTicks, multicast?.Id);
        multicast?.SetTag("orleansdist.group.message_id", message.MessageId);
        // persisted before anyone hears of it: from here on the send is handed over (retried) until its destination accepts it
        await WriteAsync();
        StartHandOver();
        return new SendReceipt(message.MessageId, destination, message.SendSeq, message.FifoSeq, silo.Name, message.SentAtTicks);
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
            await WriteAsync();
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
        var start = (int)Math.Clamp(fromIndex - 1, 0, _durableLogCount);
        var count = Math.Clamp(max, 0, _durableLogCount - start);
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
        for (var i = _durableLogCount - 1; i >= 0; i--)
        {
            if (log[i].Message.MessageId == messageId)
            {
                return Task.FromResult<LogEntry?>(log[i]);
            }
        }

        return Task.FromResult<LogEntry?>(null);
    }

    public Task<MemberInfo> GetInfo() =>
        Task.FromResult(new MemberInfo(Name, _durableLogCount, _inbox.HeldBackCount, _sender.Pending, silo.Name));

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

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_sender.Pending == 0)
        {
            // nothing left to hand over (the reminder outlived its work)
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        StartHandOver();
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
            await WriteAsync();
        }
    }

    private void StartHandOver()
    {
        if (!_handingOver)
        {
            _handingOver = true;
            _ = HandOverLoopAsync();
        }
    }

    /// <summary>
    /// Hands the outbox to the destinations, each destination's sends in one call per round and in order, until it is
    /// empty; runs between the grain's turns, so sends keep being accepted meanwhile. A destination that does not answer
    /// is retried with backoff, and a reminder wakes this member to finish if its silo dies first.
    /// </summary>
    private async Task HandOverLoopAsync()
    {
        // each multicast has its own trace; the loop belongs to none of them
        Activity.Current = null;
        var delay = TimeSpan.FromMilliseconds(50);
        var reminder = false;
        try
        {
            // only sends already in storage go out: a send lost with this silo before its write was never numbered
            while (_sender.ToHandOver(_durableSendSeq).Count > 0)
            {
                var failed = false;
                foreach (var batch in _sender.ToHandOver(_durableSendSeq).GroupBy(m => m.Destination).Select(g => g.Take(BatchSize).ToList()))
                {
                    var destination = batch[0].Destination;
                    try
                    {
                        var acks = await GrainFactory.GetGrain<IGroupGrain>(destination).Multicast(batch);
                        for (var i = 0; i < batch.Count; i++)
                        {
                            if (acks[i].Outcome == MulticastOutcome.OutOfOrder)
                            {
                                GroupsLog.OutOfOrder(logger, Name, destination, acks[i].ExpectedSendSeq, batch[i].SendSeq);
                                failed = true;
                                break;
                            }

                            _sender.Accepted(batch[i]);
                        }
                    }
                    catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
                    {
                        GroupsLog.HandOverFailed(logger, Name, destination, batch[0].SendSeq, ex.Message);
                        failed = true;
                    }
                }

                if (failed)
                {
                    if (!reminder)
                    {
                        // from here on a crash leaves the outbox in storage with nobody to finish it but the reminder
                        reminder = await TryAsync(() => this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
                    }

                    await Task.Delay(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                }
                else
                {
                    delay = TimeSpan.FromMilliseconds(50);
                }
            }

            if (reminder)
            {
                // the emptied outbox, so that the reminder's reactivation finds nothing to hand over again
                await TryAsync(WriteAsync);
            }

            if (reminder && await this.GetReminder(ReminderName) is { } registered)
            {
                await TryAsync(() => this.UnregisterReminder(registered));
            }
        }
        finally
        {
            _handingOver = false;
        }
    }

    private Task WriteAsync() => _writer.WriteAsync();

    private async Task WriteOnceAsync()
    {
        var logCount = state.State.Log.Count;
        var sendSeqs = _sender.Snapshot();
        try
        {
            await state.WriteStateAsync();
            _durableLogCount = Math.Max(_durableLogCount, logCount);
            _durableSendSeq = sendSeqs;
        }
        catch
        {
            // memory now holds what storage does not (dedup ids, sequence numbers): start again from storage
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
        {
            GroupsLog.HandOverFailed(logger, Name, "(storage or reminders)", 0, ex.Message);
            return false;
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
