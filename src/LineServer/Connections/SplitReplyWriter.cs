namespace OrleansDist.LineServer.Connections;

/// <summary>Every byte its own socket write; with Nagle off (set on the socket) each tends to travel in its own segment.</summary>
internal sealed class SplitReplyWriter(Stream stream, ServerCounters counters) : ReplyWriter(stream, counters)
{
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken)
    {
        for (var i = 0; i < reply.Length; i++)
        {
            await SendAsync(reply.Slice(i, 1), cancellationToken).ConfigureAwait(false);
        }
    }
}
