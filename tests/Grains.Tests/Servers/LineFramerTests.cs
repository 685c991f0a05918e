using System.Text;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Grains.Tests.Servers;

public sealed class LineFramerTests
{
    private static List<FramedLine> Feed(LineFramer framer, params string[] chunks)
    {
        var lines = new List<FramedLine>();
        foreach (var chunk in chunks)
        {
            framer.Feed(Encoding.UTF8.GetBytes(chunk), lines);
        }

        return lines;
    }

    [Fact]
    public void LinesSplitAndCoalescedAcrossReads_AreCutAtNewlines()
    {
        var lines = Feed(new LineFramer(), "hel", "lo\nwor", "ld\r\nexit\n", "partial");

        Assert.Equal([new(FramedLineKind.Line, "hello"), new(FramedLineKind.Line, "world"), new(FramedLineKind.Line, "exit")], lines);
    }

    [Fact]
    public void ALineOfExactlyTheLimit_IsAccepted_WithOrWithoutCarriageReturn()
    {
        var text = new string('a', 16);

        Assert.Equal([new(FramedLineKind.Line, text), new(FramedLineKind.Line, text)], Feed(new LineFramer(16), text + "\n" + text + "\r\n"));
    }

    [Fact]
    public void ALineOverTheLimit_IsReportedOnce_DroppedToItsEnd_AndTheNextLineIsServed()
    {
        var framer = new LineFramer(16);

        var lines = Feed(framer, new string('x', 10), new string('x', 10), new string('x', 100), "still the long line\nnext\n");

        Assert.Equal([FramedLine.TooLong, new(FramedLineKind.Line, "next")], lines);
    }

    [Fact]
    public void AOneMebibyteLine_NeverHoldsMoreThanTheLimit()
    {
        var framer = new LineFramer();
        var lines = new List<FramedLine>();
        var chunk = Encoding.ASCII.GetBytes(new string('z', 4096));
        var most = 0;
        for (var sent = 0; sent < 1024 * 1024; sent += chunk.Length)
        {
            framer.Feed(chunk, lines);
            most = Math.Max(most, framer.BufferedBytes);
        }

        framer.Feed("\ntask\n"u8, lines);

        Assert.True(most <= LineFramer.DefaultMaxLineBytes, $"held {most} bytes");
        Assert.Equal([FramedLine.TooLong, new(FramedLineKind.Line, "task")], lines);
        Assert.Equal(0, framer.BufferedBytes);
    }

    [Fact]
    public void BytesThatAreNotUtf8_AreReported_AndTheConnectionGoesOn()
    {
        var framer = new LineFramer();
        var lines = new List<FramedLine>();

        framer.Feed([0xff, 0xfe, 0x80, (byte)'\n', (byte)'o', (byte)'k', (byte)'\n'], lines);

        Assert.Equal([FramedLine.NotUtf8, new(FramedLineKind.Line, "ok")], lines);
    }

    [Fact]
    public void EmptyLines_AreLines()
    {
        Assert.Equal([new(FramedLineKind.Line, ""), new(FramedLineKind.Line, "")], Feed(new LineFramer(), "\n\r\n"));
    }
}
