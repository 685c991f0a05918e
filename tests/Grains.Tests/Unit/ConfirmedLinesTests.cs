using System.Buffers;
using OrleansDist.Grains.LineDownload;
using static OrleansDist.Grains.Tests.Unit.Sequences;
using Status = OrleansDist.Grains.LineDownload.SendLineReplyParser.Status;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class ConfirmedLinesTests
{
    /// <summary>What a fetcher does with one connection's bytes: parse, hold each line one reply, discard on garbage.</summary>
    private sealed class Connection
    {
        private readonly SendLineReplyParser _parser = new(expectedLines: 1000, maxLineLength: 256);
        private readonly ConfirmedLines _lines = new();
        private readonly List<byte[]> _received = [];
        private long _consumed;

        public List<SendLineReply> Confirmed { get; } = [];

        public List<SendLineReply> Parsed { get; } = [];

        public bool Broken { get; private set; }

        public int Discards { get; private set; }

        public void Receive(byte[] bytes)
        {
            if (Broken)
            {
                return;
            }

            _received.Add(bytes);
            while (true)
            {
                var buffer = FromChunks(_received).Slice(_consumed);
                var before = buffer.Length;
                var status = _parser.TryParse(ref buffer, out var reply);
                if (status == Status.NeedMoreData)
                {
                    return;
                }

                if (status == Status.Malformed)
                {
                    _lines.Discard();
                    Discards++;
                    Broken = true;
                    return;
                }

                _consumed += before - buffer.Length;
                Parsed.Add(reply);
                if (_lines.Accept(reply) is { } confirmed)
                {
                    Confirmed.Add(confirmed);
                }
            }
        }

        /// <summary>The connection closes; only a clean end (no garbage, nothing left over) releases the held line.</summary>
        public void Close()
        {
            var leftOver = FromChunks(_received).Slice(_consumed).Length;
            if (!Broken && leftOver == 0 && _lines.ReleaseAtCleanEnd() is { } held)
            {
                Confirmed.Add(held);
            }
        }
    }

    [Fact]
    public void NormalFlow_ConfirmsEachLineOneReplyLate()
    {
        var lines = new ConfirmedLines();

        Assert.Null(lines.Accept(new SendLineReply(0, "zero")));
        Assert.Equal(new SendLineReply(0, "zero"), lines.Accept(new SendLineReply(1, "one")));
        Assert.Equal(new SendLineReply(1, "one"), lines.Accept(new SendLineReply(2, "two")));
        Assert.Equal(new SendLineReply(2, "two"), lines.ReleaseAtCleanEnd());
    }

    [Fact]
    public void ReleaseAtCleanEnd_ReturnsTheHeldLineOnce()
    {
        var lines = new ConfirmedLines();
        lines.Accept(new SendLineReply(8, "eight"));

        Assert.Equal(new SendLineReply(8, "eight"), lines.ReleaseAtCleanEnd());
        Assert.Null(lines.ReleaseAtCleanEnd());
        Assert.Null(lines.Accept(new SendLineReply(9, "nine")));
    }

    [Fact]
    public void NothingHeld_ReleasesNothing()
    {
        var lines = new ConfirmedLines();

        Assert.Null(lines.ReleaseAtCleanEnd());
        lines.Discard();
        Assert.Null(lines.ReleaseAtCleanEnd());
    }

    [Fact]
    public void MinusOneReply_ConfirmsTheHeldLine_AndHoldsNothing()
    {
        var lines = new ConfirmedLines();
        lines.Accept(new SendLineReply(3, "three"));

        Assert.Equal(new SendLineReply(3, "three"), lines.Accept(SendLineReply.RateLimited));
        Assert.Null(lines.Accept(SendLineReply.RateLimited));
        Assert.Null(lines.ReleaseAtCleanEnd());
        Assert.Null(lines.Accept(new SendLineReply(4, "four")));
        Assert.Equal(new SendLineReply(4, "four"), lines.Accept(SendLineReply.RateLimited));
    }

    [Fact]
    public void Discard_DropsTheHeldLine()
    {
        var lines = new ConfirmedLines();
        lines.Accept(new SendLineReply(5, "five"));

        lines.Discard();

        Assert.Null(lines.ReleaseAtCleanEnd());
        Assert.Null(lines.Accept(new SendLineReply(6, "six")));
    }

    [Theory]
    [InlineData(0)] // all at once
    [InlineData(1)]
    [InlineData(3)]
    public void ReplyThatLostItsNewline_IsNeverConfirmed(int chunkSize)
    {
        const string stream = "0\ntext zero\n" + "1\ntext one\n" + "5\ntext five" + "7\ntext seven\n" + "8\ntext eight\n" + "9\ntext nine\n";
        var connection = new Connection();
        var bytes = Utf8(stream);

        foreach (var chunk in chunkSize == 0 ? [bytes] : Chunk(bytes, chunkSize))
        {
            connection.Receive(chunk);
        }

        connection.Close();

        // the parser does take "5" with the next reply's number glued on ...
        Assert.Contains(new SendLineReply(5, "text five7"), connection.Parsed);
        // ... but the reply after it ("text seven" as a number) is garbage, so the held line is discarded, not confirmed
        Assert.True(connection.Broken);
        Assert.Equal(1, connection.Discards);
        Assert.Equal([new(0, "text zero"), new(1, "text one")], connection.Confirmed);
        Assert.DoesNotContain(connection.Confirmed, r => r.Number == 5 || r.Text.Contains("five", StringComparison.Ordinal));
    }

    [Fact]
    public void ReplyThatLostItsNewline_BeforeAMinusOne_IsNeverConfirmed()
    {
        var connection = new Connection();

        connection.Receive(Utf8("0\nzero\n" + "5\ntext five" + "-1\n\n" + "6\nsix\n"));
        connection.Close();

        Assert.Contains(new SendLineReply(5, "text five-1"), connection.Parsed);
        Assert.True(connection.Broken);
        Assert.Equal([new SendLineReply(0, "zero")], connection.Confirmed);
    }

    [Fact]
    public void LastReplyOfAConnection_LostItsNewline_IsNotReleased()
    {
        var connection = new Connection();

        connection.Receive(Utf8("0\nzero\n1\none\n2\ntwo"));
        connection.Close();

        Assert.False(connection.Broken);
        Assert.Equal([new SendLineReply(0, "zero")], connection.Confirmed);
    }

    [Fact]
    public void CleanStream_ConfirmsEveryLine_TheLastAtCleanEnd()
    {
        var connection = new Connection();
        var stream = string.Concat(Enumerable.Range(0, 21).Select(i => i % 4 == 3 ? "-1\n\n" : $"{i}\nline {i}\n"));

        foreach (var chunk in Chunk(Utf8(stream), 5))
        {
            connection.Receive(chunk);
        }

        var beforeClose = connection.Confirmed.Count;
        connection.Close();

        Assert.False(connection.Broken);
        var expected = Enumerable.Range(0, 21).Where(i => i % 4 != 3).Select(i => new SendLineReply(i, $"line {i}")).ToList();
        Assert.Equal(expected, connection.Confirmed);
        Assert.Equal(expected.Count - 1, beforeClose); // stream ends on a line, held until the clean end
    }
}
