namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Decides when a fetcher may send its next SENDLINE. Up to <c>depth</c> requests stay in flight while lines come back;
/// a <c>-1</c> (over the server's rate limit) drops to one request at a time and waits, doubling the wait while
/// <c>-1</c>s continue and halving it as lines return. The server's token bucket keeps what a wait leaves unused
/// (up to its burst), so waiting costs no lines, while spinning would only multiply <c>-1</c>s.
/// </summary>
public sealed class RequestPacer
{
    public static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(2);
    public static readonly TimeSpan MaximumWait = TimeSpan.FromMilliseconds(250);

    private readonly int _depth;
    private int _window;
    private TimeSpan _wait = MinimumWait;
    private long _notBefore;

    public RequestPacer(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _depth = depth;
        _window = depth;
    }

    /// <summary>Requests allowed in flight right now.</summary>
    public int Window => _window;

    public TimeSpan CurrentWait => _wait;

    /// <summary>How long to wait before sending, given <paramref name="inFlight"/> requests outstanding; null = send now.</summary>
    /// <param name="now">A timestamp of the fetcher's <see cref="TimeProvider"/>.</param>
    /// <param name="timestampFrequency">Ticks per second of those timestamps.</param>
    public TimeSpan? DelayBeforeNextSend(int inFlight, long now, long timestampFrequency)
    {
        if (inFlight >= _window)
        {
            return TimeSpan.MaxValue;
        }

        if (now >= _notBefore)
        {
            return null;
        }

        return TimeSpan.FromSeconds((double)(_notBefore - now) / timestampFrequency);
    }

    public void OnLine()
    {
        if (_window < _depth)
        {
            _window++;
        }

        _wait = TimeSpan.FromTicks(Math.Max(MinimumWait.Ticks, _wait.Ticks / 2));
    }

    public void OnRateLimited(long now, long timestampFrequency)
    {
        _window = 1;
        _notBefore = now + (long)(_wait.TotalSeconds * timestampFrequency);
        _wait = TimeSpan.FromTicks(Math.Min(MaximumWait.Ticks, _wait.Ticks * 2));
    }
}
