using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// A member's sending side: numbers each send per destination (send and fifo sequence numbers), keeps it until the
/// destination accepted it, and hands sends over in order. No Orleans, no I/O.
/// </summary>
public sealed class SenderOutbox(SenderState state)
{
    public SenderState State { get; } = state;

    public int Pending => State.Outbox.Count;

    /// <summary>Numbers a new send and queues it (persist before handing it over).</summary>
    public GroupMessage Add(string messageId, string sender, string destination, DeliveryOrder order, string text, long sentAtTicks, string? traceParent)
    {
        var message = new GroupMessage
        {
            MessageId = messageId,
            Sender = sender,
            Destination = destination,
            Order = order,
            SendSeq = State.LastSendSeq[destination] = State.LastSendSeq.GetValueOrDefault(destination) + 1,
            FifoSeq = order == DeliveryOrder.Fifo ? State.LastFifoSeq[destination] = State.LastFifoSeq.GetValueOrDefault(destination) + 1 : 0,
            Text = text,
            SentAtTicks = sentAtTicks,
            TraceParent = traceParent,
        };
        State.Outbox.Add(message);
        return message;
    }

    /// <summary>
    /// The sends to hand over now, oldest first: those numbered no later than <paramref name="durable"/> says for their
    /// destination (what storage holds; null: all).
    /// </summary>
    public IReadOnlyList<GroupMessage> ToHandOver(IReadOnlyDictionary<string, long>? durable = null) =>
        [.. State.Outbox.Where(m => durable is null || m.SendSeq <= durable.GetValueOrDefault(m.Destination))];

    /// <summary>The last send number per destination, to compare with after a write.</summary>
    public Dictionary<string, long> Snapshot() => new(State.LastSendSeq);

    /// <summary>The destination accepted it (or had it already).</summary>
    public void Accepted(GroupMessage message) => State.Outbox.RemoveAll(m => m.MessageId == message.MessageId);
}
