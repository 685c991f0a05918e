namespace OrleansDist.Grains.Clocks;

/// <summary>
/// One request to a remote clock, timed on the local clock: sent at <see cref="SentTicks"/>, answered with
/// <see cref="RemoteTicks"/>, reply received at <see cref="ReceivedTicks"/>. Assuming the remote read its clock half
/// way through the round trip, it is <see cref="OffsetSeconds"/> ahead of the local clock, give or take
/// <see cref="BoundSeconds"/> (RTT/2): the remote read its clock somewhere inside the round trip.
/// Cristian's correction is the same figure: server time + RTT/2 minus the local reading when the reply came.
/// </summary>
public readonly record struct RoundTrip(long SentTicks, long RemoteTicks, long ReceivedTicks)
{
    public double RoundTripSeconds => (ReceivedTicks - SentTicks) / (double)TimeSpan.TicksPerSecond;

    public double OffsetSeconds => (RemoteTicks - SentTicks - ((ReceivedTicks - SentTicks) / 2.0)) / TimeSpan.TicksPerSecond;

    public double BoundSeconds => RoundTripSeconds / 2;

    /// <summary>The sample with the smallest round trip (the tightest bound), the first of equals.</summary>
    public static int Best(IReadOnlyList<RoundTrip> samples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count, nameof(samples));
        var best = 0;
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].ReceivedTicks - samples[i].SentTicks < samples[best].ReceivedTicks - samples[best].SentTicks)
            {
                best = i;
            }
        }

        return best;
    }
}
