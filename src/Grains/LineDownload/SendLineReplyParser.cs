using System.Buffers;
using System.Globalization;
using System.Text;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Reads SENDLINE replies (<c>&lt;n&gt;\n&lt;text&gt;\n</c> or <c>-1\n\n</c>) from whatever bytes have arrived: a reply may
/// come split over many reads or several in one. Never buffers more than one over-long line before calling it malformed.
/// </summary>
public sealed class SendLineReplyParser(int expectedLines, int maxLineLength)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public enum Status
    {
        /// <summary>The reply is not complete yet: nothing was consumed.</summary>
        NeedMoreData,
        Parsed,
        /// <summary>The bytes are not a valid reply (<see cref="Error"/> says why): the connection cannot be trusted any more.</summary>
        Malformed,
    }

    public string? Error { get; private set; }

    /// <summary>Parses one reply from the start of <paramref name="buffer"/>, advancing it past the reply when one is complete.</summary>
    public Status TryParse(ref ReadOnlySequence<byte> buffer, out SendLineReply reply)
    {
        reply = default;
        var reader = new SequenceReader<byte>(buffer);
        var status = TryReadLine(ref reader, out var numberLine);
        if (status != Status.Parsed)
        {
            return status;
        }

        if (!int.TryParse(numberLine, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return Malformed($"expected a line number, got {Quote(numberLine)}");
        }

        if (number != -1 && (number < 0 || number >= expectedLines))
        {
            return Malformed($"line number {number} is outside 0..{expectedLines - 1}");
        }

        status = TryReadLine(ref reader, out var text);
        if (status != Status.Parsed)
        {
            return status;
        }

        reply = number == -1 ? SendLineReply.RateLimited : new SendLineReply(number, text);
        buffer = buffer.Slice(reader.Position);
        return Status.Parsed;
    }

    private Status TryReadLine(ref SequenceReader<byte> reader, out string line)
    {
        line = "";
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, (byte)'\n'))
        {
            if (reader.Remaining <= maxLineLength)
            {
                return Status.NeedMoreData;
            }

            // one byte over the limit may still be the '\r' of a "\r\n" whose '\n' is on its way
            var pendingCarriageReturn = reader.Remaining == maxLineLength + 1 && reader.Sequence.Slice(reader.Sequence.Length - 1).FirstSpan[0] == (byte)'\r';
            return pendingCarriageReturn ? Status.NeedMoreData : Malformed($"a line longer than {maxLineLength} bytes");
        }

        if (bytes.Length > maxLineLength + 1)
        {
            return Malformed($"a line of {bytes.Length} bytes (limit {maxLineLength})");
        }

        if (!bytes.IsEmpty && bytes.Slice(bytes.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            bytes = bytes.Slice(0, bytes.Length - 1);
        }

        if (bytes.Length > maxLineLength)
        {
            return Malformed($"a line of {bytes.Length} bytes (limit {maxLineLength})");
        }

        try
        {
            line = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Malformed("a line that is not valid UTF-8");
        }

        return Status.Parsed;
    }

    private Status Malformed(string error)
    {
        Error = error;
        return Status.Malformed;
    }

    private static string Quote(string text) => text.Length <= 40 ? $"\"{text}\"" : $"\"{text[..40]}…\" ({text.Length} chars)";
}
