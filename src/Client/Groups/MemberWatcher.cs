using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>The observer behind <c>group watch M</c>: prints each delivery as the member writes it to its log.</summary>
internal sealed class MemberWatcher(TextWriter output, int stopAfter) : IMemberObserver
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<long> _seen = [];

    /// <summary>Completes once <c>stopAfter</c> deliveries were printed (never when it is 0).</summary>
    public Task Done => _done.Task;

    public int Count { get; private set; }

    public Task Delivered(IReadOnlyList<LogEntry> entries)
    {
        lock (_seen)
        {
            foreach (var entry in entries)
            {
                if (_seen.Add(entry.Index))
                {
                    output.WriteLine(GroupText.Line(entry));
                    Count++;
                }
            }

            output.Flush();
            if (stopAfter > 0 && Count >= stopAfter)
            {
                _done.TrySetResult();
            }
        }

        return Task.CompletedTask;
    }
}
