namespace OrleansDist.Grains.P2P;

/// <summary>
/// Paces one peer's uploads to a byte rate (a token bucket with no saved-up burst): each reservation is scheduled after
/// the ones before it, and the caller waits until its bytes would have gone out at that rate. Concurrent readers share
/// the rate. Rate 0 = unlimited.
/// </summary>
public sealed class UploadThrottle(TimeProvider time, long bytesPerSecond = 0)
{
    private readonly Lock _lock = new();
    private long _rate = bytesPerSecond;
    private double _nextFreeSeconds;

    public long BytesPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _rate;
            }
        }
    }

    public void SetRate(long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        lock (_lock)
        {
            _rate = bytesPerSecond;
            _nextFreeSeconds = 0;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> and returns how long to wait before handing them over.</summary>
    public TimeSpan Reserve(long bytes)
    {
        var now = time.GetTimestamp() / (double)time.TimestampFrequency;
        lock (_lock)
        {
            if (_rate <= 0)
            {
                return TimeSpan.Zero;
            }

            // idle time is not saved up: a quiet peer does not get to send a burst above its rate later
            var start = Math.Max(_nextFreeSeconds, now);
            _nextFreeSeconds = start + bytes / (double)_rate;
            return TimeSpan.FromSeconds(Math.Max(0, _nextFreeSeconds - now));
        }
    }
}
