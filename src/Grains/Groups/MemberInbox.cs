using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A member's receive logic: drops duplicates (by message id, and by sequence number), delivers <c>none</c> messages at
/// once, holds <c>fifo</c> messages back per sender and <c>total</c> messages per destination until their sequence is
/// contiguous, and starts each destination's sequences where the member joined it. No Orleans, no I/O: the grain
/// persists <see cref="State"/> and the log.
/// </summary>
public sealed class MemberInbox
{
    private readonly HashSet<string> _delivered;
    private readonly Dictionary<string, SequenceHoldBack> _total = [];
    private readonly Dictionary<(string Destination, string Sender), SequenceHoldBack> _fifo = [];

    /// <param name="state">The persisted state (held-back messages are offered again).</param>
    /// <param name="deliveredIds">Ids already in the log.</param>
    public MemberInbox(InboxState state, IEnumerable<string> deliveredIds)
    {
        State = state;
        _delivered = [.. deliveredIds];
        var held = state.HeldBack;
        state.HeldBack = [];
        foreach (var message in held)
        {
            // nothing deliverable can come out: it was held back because of a gap that is still there
            _ = Offer(message);
        }
    }

    public InboxState State { get; }

    public int HeldBackCount => State.HeldBack.Count;

    public bool WasDelivered(string messageId) => _delivered.Contains(messageId);

    /// <summary>Receives a batch; returns the messages deliverable now, in delivery order.</summary>
    public IReadOnlyList<GroupMessage> Receive(DeliveryBatch batch)
    {
        if (!State.Subscriptions.TryGetValue(batch.Destination, out var subscription) || batch.Epoch > subscription.Epoch)
        {
            // a new membership: its sequences start at the join snapshot; what an older one held back can never complete
            subscription = new InboxSubscription
            {
                Epoch = batch.Epoch,
                NextTotalSeq = batch.JoinedAtTotalSeq + 1,
                JoinedAtFifoSeqs = new Dictionary<string, long>(batch.JoinedAtFifoSeqs),
            };
            State.Subscriptions[batch.Destination] = subscription;
            State.HeldBack.RemoveAll(m => m.Destination == batch.Destination);
            _total.Remove(batch.Destination);
            foreach (var key in _fifo.Keys.Where(k => k.Destination == batch.Destination).ToList())
            {
                _fifo.Remove(key);
            }
        }
        else if (batch.Epoch < subscription.Epoch)
        {
            // from a membership that ended: the member left after it was sent
            return [];
        }

        var ready = new List<GroupMessage>();
        foreach (var message in batch.Messages)
        {
            if (message.Destination != batch.Destination)
            {
                throw new ArgumentException($"message {message.MessageId} is for {message.Destination}, not {batch.Destination}", nameof(batch));
            }

            ready.AddRange(Offer(message));
        }

        return ready;
    }

    private IReadOnlyList<GroupMessage> Offer(GroupMessage message)
    {
        if (_delivered.Contains(message.MessageId) || !State.Subscriptions.TryGetValue(message.Destination, out var subscription))
        {
            return [];
        }

        IReadOnlyList<GroupMessage> ready;
        switch (message.Order)
        {
            case DeliveryOrder.Fifo:
                ready = FifoStream(subscription, message).Offer(message.FifoSeq, message);
                break;
            case DeliveryOrder.Total:
                ready = TotalStream(subscription, message.Destination).Offer(message.TotalSeq, message);
                break;
            default:
                ready = [message];
                break;
        }

        if (ready.Count == 0 && !IsDuplicateNumber(subscription, message))
        {
            if (!State.HeldBack.Any(m => m.MessageId == message.MessageId))
            {
                State.HeldBack.Add(message);
            }

            return [];
        }

        foreach (var delivered in ready)
        {
            _delivered.Add(delivered.MessageId);
            State.HeldBack.RemoveAll(m => m.MessageId == delivered.MessageId);
        }

        if (message.Order == DeliveryOrder.Fifo)
        {
            subscription.NextFifoSeq[message.Sender] = FifoStream(subscription, message).NextExpected;
        }
        else if (message.Order == DeliveryOrder.Total)
        {
            subscription.NextTotalSeq = TotalStream(subscription, message.Destination).NextExpected;
        }

        return ready;
    }

    private bool IsDuplicateNumber(InboxSubscription subscription, GroupMessage message) => message.Order switch
    {
        DeliveryOrder.Fifo => message.FifoSeq < FifoStream(subscription, message).NextExpected,
        DeliveryOrder.Total => message.TotalSeq < TotalStream(subscription, message.Destination).NextExpected,
        _ => true,
    };

    private SequenceHoldBack FifoStream(InboxSubscription subscription, GroupMessage message)
    {
        var key = (message.Destination, message.Sender);
        if (!_fifo.TryGetValue(key, out var stream))
        {
            var next = subscription.NextFifoSeq.TryGetValue(message.Sender, out var n) ? n
                : subscription.JoinedAtFifoSeqs.TryGetValue(message.Sender, out var joinedAt) ? joinedAt + 1
                : 1;
            stream = new SequenceHoldBack(next);
            _fifo[key] = stream;
        }

        return stream;
    }

    private SequenceHoldBack TotalStream(InboxSubscription subscription, string destination)
    {
        if (!_total.TryGetValue(destination, out var stream))
        {
            stream = new SequenceHoldBack(subscription.NextTotalSeq);
            _total[destination] = stream;
        }

        return stream;
    }
}
