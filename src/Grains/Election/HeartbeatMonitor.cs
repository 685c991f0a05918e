namespace OrleansDist.Grains.Election;

/// <summary>
/// The failure detector: a node pings its coordinator every heartbeat period; after <see cref="MissLimit"/> missed
/// pings in a row it suspects the coordinator crashed and starts an election.
/// </summary>
public sealed class HeartbeatMonitor(int missLimit)
{
    public int MissLimit { get; } = missLimit >= 1 ? missLimit : throw new ArgumentOutOfRangeException(nameof(missLimit), missLimit, "at least one miss");

    /// <summary>Missed pings in a row so far.</summary>
    public int Misses { get; private set; }

    public void Answered() => Misses = 0;

    /// <summary>Records a missed ping; true when the coordinator is now suspected (the count starts again).</summary>
    public bool Missed()
    {
        Misses++;
        if (Misses < MissLimit)
        {
            return false;
        }

        Misses = 0;
        return true;
    }

    /// <summary>A new coordinator: earlier misses were about another node.</summary>
    public void Reset() => Misses = 0;
}
