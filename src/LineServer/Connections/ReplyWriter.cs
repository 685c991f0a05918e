namespace OrleansDist.LineServer.Connections;

/// <summary>Puts whole replies on one connection's stream; subclasses decide how they are cut into socket writes.</summary>
internal abstract class ReplyWriter
{
    private readonly Stream _stream;
    private readonly ServerCounters _counters;

    protected ReplyWriter(Stream stream, ServerCounters counters)
    {
        _stream = stream;
        _counters = counters;
    }

    public static ReplyWriter Create(ReplyWriteMode mode, Stream stream, ServerCounters counters, TimeProvider time, TimeSpan coalesceWindow, CancellationToken connectionLifetime) => mode switch
    {
        ReplyWriteMode.Split => new SplitReplyWriter(stream, counters),
        ReplyWriteMode.Coalesce => new CoalescingReplyWriter(stream, counters, time, coalesceWindow, connectionLifetime),
        _ => new NormalReplyWriter(stream, counters),
    };

    /// <summary>Queues or writes one reply. The caller may reuse <paramref name="reply"/> once this completes.</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken);

    /// <summary>Writes out any reply still held (before a close, so the last reply is not lost).</summary>
    public virtual ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    protected async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _counters.CountWrite();
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
