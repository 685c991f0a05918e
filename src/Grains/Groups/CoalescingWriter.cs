namespace OrleansDist.Grains.Groups;

/// <summary>
/// Group commit for a reentrant grain's state: every caller that changed the state asks for a write and is answered
/// once a write that started after its change has finished. At most one write runs at a time and at most one waits
/// behind it, shared by everyone who asked meanwhile: many changes, few writes. Single-threaded use (a grain's turns).
/// </summary>
public sealed class CoalescingWriter(Func<Task> write)
{
    private Task _last = Task.CompletedTask;
    private Task? _queued;

    public long Writes { get; private set; }

    /// <summary>Completes when the state as it is now is written (or fails with that write's error).</summary>
    public Task WriteAsync()
    {
        if (_queued is not null)
        {
            // a write that has not started yet will carry this change too
            return _queued;
        }

        if (_last.IsCompleted)
        {
            _last = StartAsync();
            return _last;
        }

        var queued = AfterAsync(_last);
        _queued = queued;
        _last = queued;
        return queued;
    }

    private async Task AfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch
        {
            // that write's callers got its error; this one tries again with the newer state
        }

        _queued = null;
        await StartAsync();
    }

    private Task StartAsync()
    {
        Writes++;
        return write();
    }
}
