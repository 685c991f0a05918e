using System.Text;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// The task server's line protocol, the same for every design. A client sends tasks, one line each (UTF-8, ending in
/// <c>\n</c> or <c>\r\n</c>); the server works on each for the task duration and answers one line: the text reversed
/// (by Unicode code point, as Python's <c>text[::-1]</c>). <c>exit</c> is answered <c>Goodbye!</c> and the connection
/// closes. An empty line, a line with control characters, bytes that are not UTF-8 and a line longer than the limit are
/// answered <c>ERROR ...</c> at once and the connection stays usable. Pure: no I/O, no clock.
/// </summary>
public static class TaskProtocol
{
    public const string ExitCommand = "exit";
    public const string Goodbye = "Goodbye!";
    public const string ErrorPrefix = "ERROR ";

    public static ProtocolAction Handle(FramedLine line, int maxLineBytes) => line.Kind switch
    {
        FramedLineKind.TooLong => Error($"line longer than {maxLineBytes} bytes; dropped up to its end"),
        FramedLineKind.NotUtf8 => Error("line is not UTF-8"),
        _ => Handle(line.Text),
    };

    public static ProtocolAction Handle(string line)
    {
        if (line.Trim() == ExitCommand)
        {
            return new ProtocolAction(ProtocolActionKind.Exit, Goodbye);
        }

        if (line.Length == 0)
        {
            return Error("empty task");
        }

        foreach (var rune in line.EnumerateRunes())
        {
            if (Rune.IsControl(rune) && rune.Value != '\t')
            {
                return Error($"task contains control character U+{rune.Value:X4}");
            }
        }

        return new ProtocolAction(ProtocolActionKind.RunTask, line);
    }

    /// <summary>The reply to a task: its text reversed code point by code point (surrogate pairs stay whole).</summary>
    public static string Reply(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        Array.Reverse(runes);
        var reply = new StringBuilder(text.Length);
        foreach (var rune in runes)
        {
            reply.Append(rune.ToString());
        }

        return reply.ToString();
    }

    private static ProtocolAction Error(string message) => new(ProtocolActionKind.Error, ErrorPrefix + message);
}
