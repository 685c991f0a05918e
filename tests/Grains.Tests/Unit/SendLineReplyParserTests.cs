using System.Buffers;
using System.Text;
using OrleansDist.Grains.LineDownload;
using static OrleansDist.Grains.Tests.Unit.Sequences;
using Status = OrleansDist.Grains.LineDownload.SendLineReplyParser.Status;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class SendLineReplyParserTests
{
    private const int Lines = 1000;
    private const int MaxLine = 64;

    private static SendLineReplyParser NewParser(int expectedLines = Lines, int maxLineLength = MaxLine) => new(expectedLines, maxLineLength);

    private static (Status Status, SendLineReply Reply, ReadOnlySequence<byte> Remaining, SendLineReplyParser Parser) ParseOnce(ReadOnlySequence<byte> buffer, int expectedLines = Lines, int maxLineLength = MaxLine)
    {
        var parser = NewParser(expectedLines, maxLineLength);
        var status = parser.TryParse(ref buffer, out var reply);
        return (status, reply, buffer, parser);
    }

    private static (Status Status, SendLineReply Reply, ReadOnlySequence<byte> Remaining, SendLineReplyParser Parser) ParseOnce(string text, int expectedLines = Lines, int maxLineLength = MaxLine) =>
        ParseOnce(new ReadOnlySequence<byte>(Utf8(text)), expectedLines, maxLineLength);

    [Fact]
    public void WholeReply_IsParsedAndConsumed()
    {
        var (status, reply, rest, parser) = ParseOnce("42\nthe forty-second line\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(42, reply.Number);
        Assert.Equal("the forty-second line", reply.Text);
        Assert.False(reply.IsRateLimited);
        Assert.True(rest.IsEmpty);
        Assert.Null(parser.Error);
    }

    [Fact]
    public void EmptyText_IsALine()
    {
        var (status, reply, rest, _) = ParseOnce("7\n\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(new SendLineReply(7, ""), reply);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void MinusOne_IsRateLimited()
    {
        var (status, reply, rest, _) = ParseOnce("-1\n\n");

        Assert.Equal(Status.Parsed, status);
        Assert.True(reply.IsRateLimited);
        Assert.Equal(SendLineReply.RateLimited, reply);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void CrLfEndings_AreStripped()
    {
        var (status, reply, rest, _) = ParseOnce("3\r\nthree\r\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(new SendLineReply(3, "three"), reply);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void MinusOne_WithCrLf_IsRateLimited()
    {
        var (status, reply, rest, _) = ParseOnce("-1\r\n\r\n");

        Assert.Equal(Status.Parsed, status);
        Assert.True(reply.IsRateLimited);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void OnlyOneTrailingCr_IsStripped()
    {
        var (status, reply, _, _) = ParseOnce("3\nthree\r\r\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal("three\r", reply.Text);
    }

    [Fact]
    public void NonAsciiUtf8Text_IsDecoded()
    {
        var (status, reply, _, _) = ParseOnce("9\nnaïve café – ✓ 😀\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal("naïve café – ✓ 😀", reply.Text);
    }

    [Fact]
    public void EmptyBuffer_NeedsMoreData()
    {
        var buffer = ReadOnlySequence<byte>.Empty;
        var parser = NewParser();

        var status = parser.TryParse(ref buffer, out var reply);

        Assert.Equal(Status.NeedMoreData, status);
        Assert.Equal(default, reply);
        Assert.True(buffer.IsEmpty);
        Assert.Null(parser.Error);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("4\n")]
    [InlineData("4\npartial text")]
    [InlineData("4\r\npartial\r")]
    [InlineData("-1")]
    [InlineData("-1\n")]
    public void IncompleteReply_NeedsMoreData_AndConsumesNothing(string text)
    {
        var bytes = Utf8(text);
        var (status, _, rest, parser) = ParseOnce(text);

        Assert.Equal(Status.NeedMoreData, status);
        Assert.Equal(bytes.Length, rest.Length);
        Assert.Equal(bytes, rest.ToArray());
        Assert.Null(parser.Error);
    }

    [Fact]
    public void SeveralCoalescedReplies_AreParsedOneAtATime()
    {
        var buffer = new ReadOnlySequence<byte>(Utf8("0\nzero\n-1\n\n1\r\none\r\n2\n\n999\nlast\n5\nincompl"));
        var parser = NewParser();
        var replies = new List<SendLineReply>();

        Status status;
        while ((status = parser.TryParse(ref buffer, out var reply)) == Status.Parsed)
        {
            replies.Add(reply);
        }

        Assert.Equal(Status.NeedMoreData, status);
        Assert.Equal(
            [new(0, "zero"), SendLineReply.RateLimited, new(1, "one"), new(2, ""), new(999, "last")],
            replies);
        Assert.Equal("5\nincompl", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static TheoryData<int> ChunkSizes => [1, 2, 3, 5, 7, 64];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void RepliesSplitOverManyReads_ParseTheSameAsWhole(int chunkSize)
    {
        const string stream = "0\nzero\n-1\n\n12\r\ntwelve, with a CRLF\r\n3\n\n-1\r\n\r\n998\nnaïve ✓ 😀\n";
        var parser = NewParser();

        var result = Feed(parser, Chunk(Utf8(stream), chunkSize));

        Assert.Equal(Status.NeedMoreData, result.Final);
        Assert.Equal(0, result.Unconsumed);
        Assert.Equal(
            [new(0, "zero"), SendLineReply.RateLimited, new(12, "twelve, with a CRLF"), new(3, ""), SendLineReply.RateLimited, new(998, "naïve ✓ 😀")],
            result.Replies);
        Assert.Null(parser.Error);
    }

    [Fact]
    public void ByteByByte_AReplyIsParsedOnlyWhenItsLastByteArrives()
    {
        var bytes = Utf8("17\nseventeen\n");
        var parser = NewParser();

        for (var length = 0; length < bytes.Length; length++)
        {
            var partial = FromChunks(Chunk(bytes[..length], 1));
            Assert.Equal(Status.NeedMoreData, parser.TryParse(ref partial, out _));
            Assert.Equal(length, partial.Length);
        }

        var whole = FromChunks(Chunk(bytes, 1));
        Assert.Equal(Status.Parsed, parser.TryParse(ref whole, out var reply));
        Assert.Equal(new SendLineReply(17, "seventeen"), reply);
        Assert.True(whole.IsEmpty);
    }

    [Fact]
    public void MultiSegmentSequence_WithEmptySegmentsAndSplitCrLf_Parses()
    {
        var buffer = FromChunks("", "1", "", "2\r", "\n", "tw", "", "elve\r", "", "\n", "", "-1\n", "\n", "");
        var parser = NewParser();

        Assert.Equal(Status.Parsed, parser.TryParse(ref buffer, out var first));
        Assert.Equal(new SendLineReply(12, "twelve"), first);
        Assert.Equal(Status.Parsed, parser.TryParse(ref buffer, out var second));
        Assert.True(second.IsRateLimited);
        Assert.Equal(Status.NeedMoreData, parser.TryParse(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void MultiByteCharacterSplitAcrossSegments_IsDecoded()
    {
        var bytes = Utf8("5\n😀é\n");
        var buffer = FromChunks(Chunk(bytes, 1));

        var (status, reply, rest, _) = ParseOnce(buffer);

        Assert.Equal(Status.Parsed, status);
        Assert.Equal("😀é", reply.Text);
        Assert.True(rest.IsEmpty);
    }

    [Theory]
    [InlineData("abc\ntext\n")]
    [InlineData("\ntext\n")]
    [InlineData("\r\ntext\n")]
    [InlineData(" 5\ntext\n")]
    [InlineData("5 \ntext\n")]
    [InlineData("5.0\ntext\n")]
    [InlineData("0x10\ntext\n")]
    [InlineData("--1\n\n")]
    [InlineData("99999999999999999999\ntext\n")]
    [InlineData("NaN\ntext\n")]
    public void NotANumber_IsMalformed(string text)
    {
        var (status, _, rest, parser) = ParseOnce(text);

        Assert.Equal(Status.Malformed, status);
        Assert.StartsWith("expected a line number", parser.Error);
        Assert.Equal(Utf8(text).Length, rest.Length); // the buffer is left where it was
    }

    [Fact]
    public void NotANumber_IsMalformedAsSoonAsTheNumberLineEnds()
    {
        // the text line has not arrived: the bad number alone is enough
        var (status, _, _, parser) = ParseOnce("seven\n");

        Assert.Equal(Status.Malformed, status);
        Assert.Contains("\"seven\"", parser.Error);
    }

    [Fact]
    public void LongNotANumber_IsQuotedShortened()
    {
        var junk = new string('x', 50);
        var (status, _, _, parser) = ParseOnce(junk + "\n");

        Assert.Equal(Status.Malformed, status);
        Assert.Contains("(50 chars)", parser.Error);
        Assert.DoesNotContain(junk, parser.Error);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    [InlineData(-2)]
    [InlineData(-1000)]
    [InlineData(int.MinValue)]
    public void NumberOutOfRange_IsMalformed(int number)
    {
        var (status, _, _, parser) = ParseOnce($"{number}\ntext\n", expectedLines: 1000);

        Assert.Equal(Status.Malformed, status);
        Assert.Equal($"line number {number} is outside 0..999", parser.Error);
    }

    [Fact]
    public void NumberOutOfRange_IsMalformedBeforeTheTextArrives()
    {
        var (status, _, _, _) = ParseOnce("1000\n", expectedLines: 1000);

        Assert.Equal(Status.Malformed, status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(-1)]
    public void NumberAtTheEdgesOfTheRange_IsParsed(int number)
    {
        var (status, reply, _, _) = ParseOnce($"{number}\n\n", expectedLines: 1000);

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(number, reply.Number);
    }

    [Fact]
    public void ExplicitPlusSign_IsAccepted()
    {
        var (status, reply, _, _) = ParseOnce("+5\nfive\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(5, reply.Number);
    }

    [Fact]
    public void MinusOne_WithNonEmptyText_IsStillRateLimited()
    {
        var (status, reply, rest, _) = ParseOnce("-1\nsomething\n");

        Assert.Equal(Status.Parsed, status);
        Assert.True(reply.IsRateLimited);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void TextOfExactlyMaxLength_IsParsed()
    {
        var text = new string('a', MaxLine);
        var (status, reply, _, _) = ParseOnce($"1\n{text}\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public void TextOfExactlyMaxLength_WithCrLf_IsParsed()
    {
        var text = new string('a', MaxLine);
        var (status, reply, _, _) = ParseOnce($"1\n{text}\r\n");

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public void TextOfExactlyMaxLength_WithoutNewlineYet_NeedsMoreData()
    {
        var (status, _, _, _) = ParseOnce($"1\n{new string('a', MaxLine)}");

        Assert.Equal(Status.NeedMoreData, status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void OverLongText_WithoutNewlineYet_IsMalformedAtOnce(int extra)
    {
        var (status, _, _, parser) = ParseOnce($"1\n{new string('a', MaxLine + extra)}");

        Assert.Equal(Status.Malformed, status);
        Assert.Equal($"a line longer than {MaxLine} bytes", parser.Error);
    }

    [Fact]
    public void OverLongNumberLine_WithoutNewlineYet_IsMalformedAtOnce()
    {
        var (status, _, _, parser) = ParseOnce(new string('1', MaxLine + 1));

        Assert.Equal(Status.Malformed, status);
        Assert.Equal($"a line longer than {MaxLine} bytes", parser.Error);
    }

    [Fact]
    public void OverLongText_FedByteByByte_IsMalformedAsSoonAsItPassesTheLimit()
    {
        const int max = 16;
        var parser = NewParser(maxLineLength: max);
        var head = Utf8("3\n");
        var endless = Enumerable.Repeat((byte)'z', 10_000).ToArray();

        var result = FeedByteByByte(parser, [.. head, .. endless]);

        Assert.Equal(Status.Malformed, result.Final);
        Assert.Empty(result.Replies);
        // malformed on the first byte past the limit: no more than one over-long line is ever buffered
        Assert.Equal(head.Length + max + 1, result.Unconsumed);
    }

    [Theory]
    [InlineData("1\n{0}b\n")]
    [InlineData("1\n{0}bb\n")]
    [InlineData("1\n{0}b\r\n")]
    [InlineData("1\n{0}\r\r\n")]
    public void OverLongText_WithNewline_IsMalformed(string template)
    {
        var (status, _, _, parser) = ParseOnce(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('a', MaxLine)));

        Assert.Equal(Status.Malformed, status);
        Assert.StartsWith("a line of ", parser.Error);
        Assert.EndsWith($"bytes (limit {MaxLine})", parser.Error);
    }

    [Fact]
    public void MaxLengthCountsBytesNotCharacters()
    {
        // 20 two-byte characters = 40 bytes
        var text = new string('é', 20);

        Assert.Equal(Status.Parsed, ParseOnce($"1\n{text}\n", maxLineLength: 40).Status);
        Assert.Equal(Status.Malformed, ParseOnce($"1\n{text}\n", maxLineLength: 39).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })] // truncated two-byte sequence
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong encoding
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // surrogate half
    [InlineData(new byte[] { (byte)'o', (byte)'k', 0x80 })]
    public void InvalidUtf8Text_IsMalformed(byte[] text)
    {
        byte[] bytes = [.. Utf8("2\n"), .. text, (byte)'\n'];

        var (status, _, _, parser) = ParseOnce(new ReadOnlySequence<byte>(bytes));

        Assert.Equal(Status.Malformed, status);
        Assert.Equal("a line that is not valid UTF-8", parser.Error);
    }

    [Fact]
    public void InvalidUtf8NumberLine_IsMalformed()
    {
        var (status, _, _, _) = ParseOnce(new ReadOnlySequence<byte>([0xFF, (byte)'\n', (byte)'\n']));

        Assert.Equal(Status.Malformed, status);
    }

    [Fact]
    public void MalformedReply_AfterGoodOnes_InOneBuffer()
    {
        var buffer = new ReadOnlySequence<byte>(Utf8("0\nzero\n1\none\nbad\nx\n2\ntwo\n"));
        var parser = NewParser();

        Assert.Equal(Status.Parsed, parser.TryParse(ref buffer, out _));
        Assert.Equal(Status.Parsed, parser.TryParse(ref buffer, out _));
        Assert.Equal(Status.Malformed, parser.TryParse(ref buffer, out var reply));
        Assert.Equal(default, reply);
        Assert.Equal("bad\nx\n2\ntwo\n", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void MalformedStream_FedByteByByte_StopsAtTheBadReply()
    {
        var result = FeedByteByByte(NewParser(), Utf8("0\nzero\n1\none\n1001\nx\n2\ntwo\n"));

        Assert.Equal(Status.Malformed, result.Final);
        Assert.Equal([new(0, "zero"), new(1, "one")], result.Replies);
    }

    /// <summary>
    /// A reply whose text is exactly the maximum length and ends in <c>\r\n</c> parses when it arrives whole (see
    /// <see cref="TextOfExactlyMaxLength_WithCrLf_IsParsed"/>); it must parse the same when the read happens to end
    /// between the <c>\r</c> and the <c>\n</c>.
    /// </summary>
    [Fact]
    public void TextOfExactlyMaxLength_WithCrLf_SplitBetweenCrAndLf_ParsesLikeWhole()
    {
        var text = new string('a', MaxLine);
        var parser = NewParser();

        var result = Feed(parser, [Utf8($"1\n{text}\r"), Utf8("\n")]);

        Assert.Null(parser.Error);
        Assert.Equal(Status.NeedMoreData, result.Final);
        Assert.Equal([new SendLineReply(1, text)], result.Replies);
    }
}
