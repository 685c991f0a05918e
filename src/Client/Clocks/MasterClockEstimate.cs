using System.Diagnostics;
using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// The master's clock as this process knows it, for the Cristian endpoint: refreshed every half second by Cristian's
/// own method (a few reads, the one with the smallest round trip kept, its reading + RTT/2), then run forward on the
/// local monotonic clock. A connecting client is answered at once: reading the grain while it waits would add the
/// call's time to its round trip, which the seed's client halves and adds, an error of half a grain call.
/// A refresh whose best round trip is longer than the one in use (a busy moment) is kept only once the one in use is
/// 10 s old: the master's clock moves by microseconds per round, far less than half a slow round trip.
/// </summary>
internal sealed class MasterClockEstimate(IBerkeleyMasterGrain master)
{
    private const int Samples = 8;
    private static readonly TimeSpan KeepBetterFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GoodEnough = TimeSpan.FromMilliseconds(0.5);
    private readonly Lock _gate = new();
    private long _ticksAtSync;
    private long _syncedAt;
    private bool _synced;

    public double LastRoundTripMs { get; private set; }

    public async Task RefreshAsync()
    {
        var best = (RoundTrip: TimeSpan.MaxValue, Ticks: 0L, ReceivedAt: 0L);
        for (var i = 0; i < Samples; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var reading = await master.ReadClock();
            var received = Stopwatch.GetTimestamp();
            var roundTrip = Stopwatch.GetElapsedTime(sent, received);
            if (roundTrip < best.RoundTrip)
            {
                best = (roundTrip, reading.UnixTicks + (roundTrip.Ticks / 2), received);
            }
        }

        lock (_gate)
        {
            var current = TimeSpan.FromMilliseconds(LastRoundTripMs);
            if (_synced && best.RoundTrip > current && best.RoundTrip > GoodEnough && Stopwatch.GetElapsedTime(_syncedAt) < KeepBetterFor)
            {
                return;
            }

            _ticksAtSync = best.Ticks;
            _syncedAt = best.ReceivedAt;
            _synced = true;
            LastRoundTripMs = best.RoundTrip.TotalMilliseconds;
        }
    }

    /// <summary>The master's clock now, or null before the first refresh.</summary>
    public long? Now()
    {
        lock (_gate)
        {
            return _synced ? _ticksAtSync + Stopwatch.GetElapsedTime(_syncedAt).Ticks : null;
        }
    }
}
