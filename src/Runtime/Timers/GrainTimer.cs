using OrleansDist.Runtime.Activation;

namespace OrleansDist.Runtime;

/// <summary>A timer owned by one activation; each tick is a turn of that activation, and ticks never overlap.</summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _dueTime;
    private TimeSpan _period;
    private ITimer? _timer;
    private int _tickPending;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options, TimeProvider timeProvider)
    {
        if (options.DueTime < TimeSpan.Zero && options.DueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DueTime must be >= 0 or infinite");
        }

        if (options.Period <= TimeSpan.Zero && options.Period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Period must be > 0 or infinite");
        }

        _activation = activation;
        _callback = callback;
        _timeProvider = timeProvider;
        _dueTime = options.DueTime;
        _period = options.Period;
        Interleave = options.Interleave;
        KeepAlive = options.KeepAlive;
    }

    public bool Interleave { get; }

    public bool KeepAlive { get; }

    /// <summary>
    /// Starts the timer without the registering call's execution context: a tick is work of its own, not part of the
    /// (long finished) call's span, placement pin or other async-local state.
    /// </summary>
    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _timer = _timeProvider.CreateTimer(static s => ((GrainTimer)s!).OnTimerFired(), this, _dueTime, _period);
        }
    }

    private void OnTimerFired()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }

        _activation.EnqueueTimerTick(this);
    }

    /// <summary>The activation could not take the tick (it is going away): let the next one through.</summary>
    internal void OnTickDropped() => Volatile.Write(ref _tickPending, 0);

    internal async Task TickAsync()
    {
        try
        {
            if (!_disposed.IsCancellationRequested)
            {
                await _callback(_disposed.Token).ConfigureAwait(true);
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // the timer was disposed while its callback ran
        }
        catch (Exception ex)
        {
            // a failing tick must not kill the timer or the activation; Orleans logs and carries on
            System.Diagnostics.Activity.Current?.AddException(ex);
            TimerErrors.Report(_activation, ex);
        }
        finally
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        _dueTime = dueTime;
        _period = period;
        _timer?.Change(dueTime, period);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer?.Dispose();
        _activation.RemoveTimer(this);
    }
}

internal static class TimerErrors
{
    public static Action<ActivationData, Exception> Report { get; set; } = static (_, _) => { };
}
