using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Grains.Groups;

/// <summary>
/// One numbered stream at a receiver: a message whose number is the next expected is delivered, with every held-back one
/// that follows it contiguously; a later one waits; an earlier one is a duplicate. Used per sender for fifo and per
/// destination for total order. No Orleans, no I/O.
/// </summary>
public sealed class SequenceHoldBack
{
    private readonly SortedDictionary<long, GroupMessage> _held = [];

    /// <param name="nextExpected">The first number this receiver delivers.</param>
    public SequenceHoldBack(long nextExpected)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextExpected, 1);
        NextExpected = nextExpected;
    }

    public long NextExpected { get; private set; }

    public int HeldCount => _held.Count;

    public IEnumerable<GroupMessage> Held => _held.Values;

    /// <summary>
    /// Offers message number <paramref name="number"/>; returns what is deliverable now, in order (empty when it must
    /// wait or was a duplicate).
    /// </summary>
    public IReadOnlyList<GroupMessage> Offer(long number, GroupMessage message)
    {
        if (number < NextExpected || _held.ContainsKey(number))
        {
            return [];
        }

        if (number > NextExpected)
        {
            _held[number] = message;
            return [];
        }

        var ready = new List<GroupMessage> { message };
        NextExpected++;
        while (_held.Remove(NextExpected, out var next))
        {
            ready.Add(next);
            NextExpected++;
        }

        return ready;
    }
}
