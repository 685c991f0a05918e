using System.Buffers;
using System.Text;
using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s and feeds a <see cref="SendLineReplyParser"/> the way a pipe would.</summary>
internal static class Sequences
{
    /// <summary>One segment per chunk (empty chunks included), like a pipe that received them as separate reads.</summary>
    public static ReadOnlySequence<byte> FromChunks(IEnumerable<byte[]> chunks)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var chunk in chunks)
        {
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> FromChunks(params string[] chunks) => FromChunks(chunks.Select(Encoding.UTF8.GetBytes));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Splits <paramref name="bytes"/> into chunks of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static IEnumerable<byte[]> Chunk(byte[] bytes, int size) => bytes.Chunk(size);

    /// <summary>
    /// Feeds <paramref name="arrivals"/> one at a time: after each arrival, the received-but-unconsumed bytes are handed to
    /// the parser as a sequence with one segment per arrival, and it is retried until it needs more data or fails.
    /// </summary>
    public static FeedResult Feed(SendLineReplyParser parser, IEnumerable<byte[]> arrivals)
    {
        var received = new List<byte[]>();
        long consumed = 0;
        var replies = new List<SendLineReply>();
        var attempts = 0;
        foreach (var arrival in arrivals)
        {
            received.Add(arrival);
            while (true)
            {
                var buffer = FromChunks(received).Slice(consumed);
                var before = buffer.Length;
                attempts++;
                var status = parser.TryParse(ref buffer, out var reply);
                if (status == SendLineReplyParser.Status.Malformed)
                {
                    return new FeedResult(replies, status, before, attempts);
                }

                if (status == SendLineReplyParser.Status.NeedMoreData)
                {
                    Assert.Equal(before, buffer.Length); // nothing consumed
                    break;
                }

                Assert.True(buffer.Length < before, "a parsed reply must consume bytes");
                consumed += before - buffer.Length;
                replies.Add(reply);
            }
        }

        var left = FromChunks(received).Slice(consumed).Length;
        return new FeedResult(replies, SendLineReplyParser.Status.NeedMoreData, left, attempts);
    }

    public static FeedResult FeedByteByByte(SendLineReplyParser parser, byte[] bytes) => Feed(parser, Chunk(bytes, 1));

    /// <param name="Final">Malformed when parsing stopped on bad bytes, otherwise NeedMoreData (all input used).</param>
    /// <param name="Unconsumed">Bytes left unparsed (for Malformed: from the start of the failed reply).</param>
    public sealed record FeedResult(List<SendLineReply> Replies, SendLineReplyParser.Status Final, long Unconsumed, int Attempts);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
