using System.Diagnostics;

namespace OrleansDist.Grains.Tests;

/// <summary>Records every span of one <see cref="ActivitySource"/> that stops while it is alive (all sampled and recorded).</summary>
internal sealed class ActivityCollector : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _activities = [];

    public ActivityCollector(string source)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_activities)
                {
                    _activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans stopped so far.</summary>
    public IReadOnlyList<Activity> Activities
    {
        get
        {
            lock (_activities)
            {
                return [.. _activities];
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
