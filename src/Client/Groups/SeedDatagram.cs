using System.Text;

namespace OrleansDist.Client.Groups;

/// <summary>
/// The seed's datagram: the message text with the client's digit appended (<c>"Kya re?1"</c> from client 1). Parsing is
/// pure; a malformed datagram gives an error text instead of a message.
/// </summary>
internal static class SeedDatagram
{
    /// <summary>The seed's buffer size: a datagram longer than this was cut by its server.</summary>
    public const int MaxBytes = 1024;

    public static (string? Text, char Digit, string? Error) Parse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length == 0)
        {
            return (null, '\0', "empty datagram (expected the message text followed by the client's digit, e.g. 'Hello1')");
        }

        if (datagram.Length > MaxBytes)
        {
            return (null, '\0', $"datagram of {datagram.Length} bytes is longer than {MaxBytes}");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(datagram);
        }
        catch (DecoderFallbackException)
        {
            return (null, '\0', "datagram is not UTF-8 text");
        }

        var digit = text[^1];
        if (!char.IsAsciiDigit(digit))
        {
            return (null, '\0', $"datagram does not end with the client's digit (last character {Describe(digit)})");
        }

        var message = text[..^1];
        if (message.Any(c => char.IsControl(c) && c is not '\t'))
        {
            return (null, '\0', "message text holds control characters");
        }

        return (message, digit, null);
    }

    private static string Describe(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
