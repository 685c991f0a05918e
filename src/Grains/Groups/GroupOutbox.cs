using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A group's sequencer and outbox over its persisted <see cref="GroupState"/>: accepts each sender's sends in order and
/// once, numbers total-order messages, keeps every accepted message until each member has acknowledged it, and tells
/// each member's delivery loop what comes next. No Orleans, no I/O.
/// </summary>
public sealed class GroupOutbox(GroupState state)
{
    public GroupState State { get; } = state;

    /// <summary>Joins <paramref name="member"/> with a new epoch: it gets every message accepted from now on.</summary>
    public bool Join(string member)
    {
        if (State.Members.ContainsKey(member))
        {
            return false;
        }

        State.Members[member] = new GroupMembership
        {
            Epoch = ++State.LastEpoch,
            JoinedAtIndex = State.LastIndex,
            AckedIndex = State.LastIndex,
            JoinedAtTotalSeq = State.LastTotalSeq,
            JoinedAtFifoSeqs = new Dictionary<string, long>(State.LastFifoSeq),
        };
        return true;
    }

    public bool Leave(string member) => State.Members.Remove(member);

    /// <summary>
    /// Accepts <paramref name="message"/> if it is its sender's next send (numbering it if it is total-order), or says it
    /// is a duplicate or out of order. An accepted message is in the state: persist before answering.
    /// </summary>
    public MulticastAck Accept(GroupMessage message)
    {
        var last = State.LastSendSeq.GetValueOrDefault(message.Sender);
        if (message.SendSeq <= last)
        {
            return new MulticastAck(MulticastOutcome.Duplicate, last + 1, 0, State.Members.Count);
        }

        if (message.SendSeq != last + 1)
        {
            return new MulticastAck(MulticastOutcome.OutOfOrder, last + 1, 0, State.Members.Count);
        }

        if (message.Order == DeliveryOrder.Fifo)
        {
            var lastFifo = State.LastFifoSeq.GetValueOrDefault(message.Sender);
            if (message.FifoSeq != lastFifo + 1)
            {
                throw new ArgumentException($"message {message.MessageId} from {message.Sender} has fifo number {message.FifoSeq}; {lastFifo + 1} comes next", nameof(message));
            }

            State.LastFifoSeq[message.Sender] = message.FifoSeq;
        }

        message.TotalSeq = message.Order == DeliveryOrder.Total ? ++State.LastTotalSeq : 0;
        State.LastSendSeq[message.Sender] = message.SendSeq;
        State.Outbox.Add(new OutboxEntry { Index = ++State.LastIndex, Message = message });
        return new MulticastAck(MulticastOutcome.Accepted, message.SendSeq + 1, message.TotalSeq, State.Members.Count);
    }

    /// <summary>
    /// The next messages for <paramref name="member"/> (at most <paramref name="max"/>, none past outbox position
    /// <paramref name="upToIndex"/>: only what is in storage goes out), or null when it has them all or is no member.
    /// </summary>
    public (DeliveryBatch Batch, long LastIndex)? Next(string destination, string member, int max, long upToIndex = long.MaxValue)
    {
        if (!State.Members.TryGetValue(member, out var membership))
        {
            return null;
        }

        var from = Math.Max(membership.AckedIndex, membership.JoinedAtIndex);
        // outbox positions are contiguous (trimming removes a prefix): the first pending one is found by arithmetic
        var start = State.Outbox.Count == 0 ? 0 : (int)Math.Clamp(from + 1 - State.Outbox[0].Index, 0, State.Outbox.Count);
        var pending = State.Outbox.GetRange(start, Math.Min(max, Math.Max(0, State.Outbox.Count - start))).TakeWhile(e => e.Index <= upToIndex).ToList();
        if (pending.Count == 0)
        {
            return null;
        }

        var batch = new DeliveryBatch
        {
            Destination = destination,
            Epoch = membership.Epoch,
            JoinedAtTotalSeq = membership.JoinedAtTotalSeq,
            JoinedAtFifoSeqs = membership.JoinedAtFifoSeqs,
            Messages = [.. pending.Select(e => e.Message)],
        };
        return (batch, pending[^1].Index);
    }

    /// <summary>Records that <paramref name="member"/> (in membership <paramref name="epoch"/>) persisted everything up to <paramref name="index"/>.</summary>
    public void Acknowledge(string member, int epoch, long index)
    {
        if (State.Members.TryGetValue(member, out var membership) && membership.Epoch == epoch && index > membership.AckedIndex)
        {
            membership.AckedIndex = index;
        }
    }

    /// <summary>Members with messages (up to outbox position <paramref name="upToIndex"/>) still to receive.</summary>
    public IEnumerable<string> MembersBehind(long upToIndex = long.MaxValue) =>
        State.Members.Where(m => Math.Max(m.Value.AckedIndex, m.Value.JoinedAtIndex) < Math.Min(upToIndex, State.LastIndex)).Select(m => m.Key);

    /// <summary>Undelivered (member, message) pairs.</summary>
    public long PendingDeliveries => State.Members.Values.Sum(m => State.LastIndex - Math.Max(m.AckedIndex, m.JoinedAtIndex));

    /// <summary>Drops the messages every member has acknowledged; returns how many.</summary>
    public int Trim()
    {
        var low = State.Members.Count == 0 ? State.LastIndex : State.Members.Values.Min(m => Math.Max(m.AckedIndex, m.JoinedAtIndex));
        return State.Outbox.RemoveAll(e => e.Index <= low);
    }
}
