using System.Globalization;
using System.Net;
using System.Text;

namespace OrleansDist.LineServer.Protocol;

/// <summary>The exact bytes of every reply. Replies are built whole so each write mode decides alone how they hit the wire.</summary>
internal static class Replies
{
    /// <summary>Text lines of an overlong faulty reply are at least this long: just past what the server itself accepts.</summary>
    public const int OverlongTextLength = LineServerOptions.MaxRequestLineLength + 1024;

    public static readonly byte[] OverRateLimit = "-1\n\n"u8.ToArray();
    public static readonly byte[] SessionResetOk = "SESSION RESET OK\n"u8.ToArray();
    public static readonly byte[] UnknownCommand = "ERROR: UNKNOWN COMMAND\n"u8.ToArray();

    public static byte[] TooManyConnections(IPAddress address) => Encoding.UTF8.GetBytes($"ERROR: TOO MANY CONNECTIONS FROM {address}\n");

    /// <summary><c>&lt;n&gt;\n&lt;text&gt;\n</c>, or its malformed variant when a fault is injected.</summary>
    public static byte[] Line(int number, byte[] text, ReplyFaults fault)
    {
        var head = fault == ReplyFaults.NotANumber ? "NaN\n"u8.ToArray() : Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture) + "\n");
        var body = fault == ReplyFaults.Overlong ? Overlong(text) : text;
        var tail = fault == ReplyFaults.MissingNewline ? 0 : 1;
        var reply = new byte[head.Length + body.Length + tail];
        head.CopyTo(reply, 0);
        body.CopyTo(reply, head.Length);
        if (tail == 1)
        {
            reply[^1] = (byte)'\n';
        }

        return reply;
    }

    public static byte[] SubmitSuccess(SubmitRecord r, int maxLines) => Encoding.UTF8.GetBytes(SubmitSuccessText(r, maxLines) + "\n");

    public static string SubmitSuccessText(SubmitRecord r, int maxLines) => string.Create(
        CultureInfo.InvariantCulture,
        $"SUBMIT SUCCESS: {r.Entry} - {r.ClientAddress} - {r.Correct}, {r.Incorrect}, {r.LinesRead}, {r.LinesSentSession}, {r.LinesSentConnection}, {maxLines} - {r.SessionStartMs}, {r.ConnectionStartMs}, {r.SubmittedMs}");

    public static string SubmitFailedText(string entry, string reason) => $"SUBMIT FAILED: {entry} - {reason}";

    /// <summary>One <c>&lt;n&gt;\n</c> per incorrect line number, then an empty line.</summary>
    public static byte[] IncorrectLines(IReadOnlyList<long> numbers)
    {
        var text = new StringBuilder(numbers.Count * 5 + 1);
        foreach (var number in numbers)
        {
            text.Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.Append('\n').ToString());
    }

    private static byte[] Overlong(byte[] text)
    {
        // The line repeated keeps it readable text; a filler covers an empty line.
        var unit = text.Length == 0 ? "x"u8.ToArray() : [.. text, (byte)' '];
        var body = new byte[((OverlongTextLength / unit.Length) + 1) * unit.Length];
        for (var offset = 0; offset < body.Length; offset += unit.Length)
        {
            unit.CopyTo(body, offset);
        }

        return body;
    }
}
