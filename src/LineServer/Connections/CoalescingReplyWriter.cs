using System.Buffers;

namespace OrleansDist.LineServer.Connections;

/// <summary>
/// Holds replies for a short window and writes everything held in one socket write, so a client that pipelines requests
/// receives several replies in one read. The first held reply starts the window, so a lone reply waits at most that long.
/// </summary>
internal sealed class CoalescingReplyWriter : ReplyWriter
{
    /// <summary>Past this much held data the replies go out at once instead of waiting for the window.</summary>
    private const int FlushAtBytes = 32 * 1024;

    private readonly object _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _held = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly CancellationToken _lifetime;
    private bool _flushScheduled;
    private Exception? _failure;

    public CoalescingReplyWriter(Stream stream, ServerCounters counters, TimeProvider time, TimeSpan window, CancellationToken connectionLifetime)
        : base(stream, counters)
    {
        _time = time;
        _window = window;
        _lifetime = connectionLifetime;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken)
    {
        bool flushNow;
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new IOException("An earlier coalesced write to this connection failed.", _failure);
            }

            _held.Write(reply.Span);
            flushNow = _held.WrittenCount >= FlushAtBytes;
            if (!flushNow && !_flushScheduled)
            {
                _flushScheduled = true;
                _ = FlushAfterWindowAsync();
            }
        }

        if (flushNow)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        // Bytes are taken only while holding the send lock, so replies leave in the order they were written.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] bytes;
            lock (_gate)
            {
                _flushScheduled = false;
                if (_held.WrittenCount == 0)
                {
                    return;
                }

                bytes = _held.WrittenSpan.ToArray();
                _held.Clear();
            }

            await SendAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task FlushAfterWindowAsync()
    {
        try
        {
            await Task.Delay(_window, _time, _lifetime).ConfigureAwait(false);
            await FlushAsync(_lifetime).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nobody awaits this task: the failure surfaces on the connection's next write instead.
            lock (_gate)
            {
                _failure ??= ex;
            }
        }
    }
}
