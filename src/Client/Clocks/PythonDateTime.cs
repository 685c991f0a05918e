using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// The seed's wire format: Python's <c>str(datetime.datetime.now())</c>, a naive local time such as
/// <c>2026-11-29 19:20:01.123456</c>; <c>str()</c> leaves out the fraction when the microseconds are 0
/// (<c>2026-11-29 19:20:01</c>). Ticks here are UTC since the Unix epoch; the text is local time, as the seed's is.
/// </summary>
internal static partial class PythonDateTime
{
    public static string Format(long unixTicks)
    {
        var utc = new DateTime(DateTimeOffset.UnixEpoch.UtcTicks + unixTicks, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.Local);
        var micro = (local.Ticks % TimeSpan.TicksPerSecond) / 10;
        // rounded down to microseconds, as Python keeps them
        return micro == 0
            ? local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "." + micro.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses one timestamp (with or without the fraction); false for anything else.</summary>
    public static bool TryParse(string text, out long unixTicks)
    {
        unixTicks = 0;
        var match = Exact().Match(text);
        return match.Success && TryConvert(match, out unixTicks);
    }

    /// <summary>
    /// Takes the timestamps off the front of <paramref name="buffer"/> (several may arrive in one read, none is split
    /// by a separator). Returns the characters consumed; <paramref name="malformed"/> is set when the buffer starts with
    /// something that cannot begin a timestamp. A partial timestamp at the end stays in the buffer.
    /// </summary>
    public static int TakeAll(string buffer, List<long> into, out bool malformed)
    {
        malformed = false;
        var position = 0;
        while (position < buffer.Length)
        {
            if (char.IsWhiteSpace(buffer[position]))
            {
                // tolerated between timestamps (a slave typed by hand, netcat's newline)
                position++;
                continue;
            }

            var match = AtStart().Match(buffer, position);
            if (match.Success && match.Index == position)
            {
                if (!TryConvert(match, out var ticks))
                {
                    malformed = true;
                    return position;
                }

                into.Add(ticks);
                position += match.Length;
                continue;
            }

            // what is left must be the beginning of a timestamp still on its way
            if (!CouldBePrefix(buffer.AsSpan(position)))
            {
                malformed = true;
            }

            return position;
        }

        return position;
    }

    private const string Template = "0000-00-00 00:00:00.000000";

    private static bool CouldBePrefix(ReadOnlySpan<char> rest)
    {
        if (rest.Length > Template.Length)
        {
            return false;
        }

        for (var i = 0; i < rest.Length; i++)
        {
            var ok = Template[i] == '0' ? char.IsAsciiDigit(rest[i]) : rest[i] == Template[i];
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryConvert(Match match, out long unixTicks)
    {
        unixTicks = 0;
        if (!DateTime.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        var micro = match.Groups[2].Success ? long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified).AddTicks(micro * 10), TimeZoneInfo.Local);
            unixTicks = utc.Ticks - DateTimeOffset.UnixEpoch.UtcTicks;
            return true;
        }
        catch (ArgumentException)
        {
            // a local time that does not exist (skipped by a daylight-saving change)
            return false;
        }
    }

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{6}))?$")]
    private static partial Regex Exact();

    [GeneratedRegex(@"\G(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{6}))?")]
    private static partial Regex AtStart();
}
