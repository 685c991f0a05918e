namespace OrleansDist.LineServer.Connections;

/// <summary>One socket write per reply.</summary>
internal sealed class NormalReplyWriter(Stream stream, ServerCounters counters) : ReplyWriter(stream, counters)
{
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken) => SendAsync(reply, cancellationToken);
}
