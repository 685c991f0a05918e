using System.Text;
using System.Text.RegularExpressions;

namespace OrleansDist.LineServer.Tests.Infrastructure;

/// <summary>Builds SUBMIT requests and reads the success reply's fields.</summary>
public static partial class Submission
{
    public static string Build(string entry, IEnumerable<(long Number, string Text)> lines, string? count = null)
    {
        var list = lines.ToList();
        var text = new StringBuilder().Append("SUBMIT\n").Append(entry).Append('\n').Append(count ?? list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (number, line) in list)
        {
            text.Append(number).Append('\n').Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The whole file, in order.</summary>
    public static string BuildAll(string entry, IReadOnlyList<string> file) => Build(entry, file.Select((t, i) => ((long)i, t)));

    public static SuccessFields ParseSuccess(string reply)
    {
        var match = SuccessPattern().Match(reply);
        Assert.True(match.Success, $"Not a SUBMIT SUCCESS line: '{reply}'");
        long N(string group) => long.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new SuccessFields(
            match.Groups["entry"].Value, match.Groups["ip"].Value, N("correct"), N("incorrect"), N("read"), N("session"), N("connection"), N("max"),
            N("sessionStart"), N("connectionStart"), N("submitted"));
    }

    [GeneratedRegex(@"^SUBMIT SUCCESS: (?<entry>.*) - (?<ip>[0-9a-fA-F.:]+) - (?<correct>\d+), (?<incorrect>\d+), (?<read>\d+), (?<session>\d+), (?<connection>\d+), (?<max>\d+) - (?<sessionStart>\d+), (?<connectionStart>\d+), (?<submitted>\d+)$")]
    private static partial Regex SuccessPattern();

    public sealed record SuccessFields(string Entry, string Ip, long Correct, long Incorrect, long LinesRead, long LinesSentSession, long LinesSentConnection, long MaxLines, long SessionStartMs, long ConnectionStartMs, long SubmittedMs);
}
