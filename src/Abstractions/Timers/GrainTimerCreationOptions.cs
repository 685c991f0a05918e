namespace OrleansDist;

public sealed class GrainTimerCreationOptions
{
    public TimeSpan DueTime { get; init; }

    /// <summary>Time between ticks; <see cref="Timeout.InfiniteTimeSpan"/> fires once.</summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>When true, ticks may interleave with grain calls.</summary>
    public bool Interleave { get; init; }

    /// <summary>When true, ticks count as activity and keep the activation from idle collection.</summary>
    public bool KeepAlive { get; init; }
}
