namespace OrleansDist.Grains.Election;

/// <summary>
/// The waits of both algorithms, derived from the per-message timeout so one option tunes them all.
/// </summary>
/// <param name="MessageTimeout">How long a sender waits for a message to be taken before it counts it lost.</param>
public sealed record ElectionTimings(TimeSpan MessageTimeout)
{
    /// <summary>Bully: silence from every higher node for this long after ELECTION means "I am the highest alive".</summary>
    public TimeSpan OkWait => MessageTimeout;

    /// <summary>
    /// Bully: after an OK, how long to wait for the COORDINATOR message before electing again. The higher node that sent
    /// OK needs its own <see cref="OkWait"/> and its chain of higher nodes theirs; four timeouts cover that with room.
    /// </summary>
    public TimeSpan CoordinatorWait => MessageTimeout * 4;

    /// <summary>Ring: how long the initiator waits for its message to come round (every hop may skip dead nodes).</summary>
    public TimeSpan RingWait(int nodes) => MessageTimeout * (2 * nodes + 2);
}
