using OrleansDist.Grains.Servers;

namespace OrleansDist.Grains.Tests.Servers;

public sealed class TaskProtocolTests
{
    [Theory]
    [InlineData("hello", "olleh")]
    [InlineData("task 1", "1 ksat")]
    [InlineData("a\tb", "b\ta")]
    [InlineData("x😀y", "y😀x")] // a surrogate pair stays whole, as Python's text[::-1]
    public void ATask_IsAnsweredWithItsTextReversed(string task, string reply)
    {
        var action = TaskProtocol.Handle(task);

        Assert.Equal(ProtocolActionKind.RunTask, action.Kind);
        Assert.Equal(task, action.Text);
        Assert.Equal(reply, TaskProtocol.Reply(action.Text));
    }

    [Theory]
    [InlineData("exit")]
    [InlineData(" exit ")]
    public void Exit_IsAnsweredGoodbye(string line)
    {
        Assert.Equal(new ProtocolAction(ProtocolActionKind.Exit, "Goodbye!"), TaskProtocol.Handle(line));
    }

    [Theory]
    [InlineData("", "ERROR empty task")]
    [InlineData("bad\u0001line", "ERROR task contains control character U+0001")]
    [InlineData("\u001b[31mred", "ERROR task contains control character U+001B")]
    public void Garbage_IsAnsweredWithAnErrorLine(string line, string reply)
    {
        Assert.Equal(new ProtocolAction(ProtocolActionKind.Error, reply), TaskProtocol.Handle(line));
    }

    [Fact]
    public void TooLongAndNotUtf8_AreAnsweredWithErrorLines()
    {
        Assert.Equal("ERROR line longer than 65536 bytes; dropped up to its end", TaskProtocol.Handle(FramedLine.TooLong, 65536).Text);
        Assert.Equal("ERROR line is not UTF-8", TaskProtocol.Handle(FramedLine.NotUtf8, 65536).Text);
        Assert.All([TaskProtocol.Handle(FramedLine.TooLong, 1), TaskProtocol.Handle(FramedLine.NotUtf8, 1)], a => Assert.Equal(ProtocolActionKind.Error, a.Kind));
    }
}
