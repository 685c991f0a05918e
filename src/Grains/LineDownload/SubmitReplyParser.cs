using System.Globalization;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Reads the server's answer to SUBMIT: <c>SUBMIT SUCCESS: entry - ip - correct, incorrect, read, sentSession,
/// sentConnection, maxLines - sessionStartMs, connectionStartMs, submittedMs</c>, or a <c>SUBMIT FAILED: …</c> line.
/// </summary>
public static class SubmitReplyParser
{
    public const string SuccessPrefix = "SUBMIT SUCCESS:";
    public const string FailurePrefix = "SUBMIT FAILED:";

    /// <summary>Parses <paramref name="reply"/>; null when it is neither a success nor a failure reply.</summary>
    public static SubmitOutcome? Parse(string reply)
    {
        if (reply.StartsWith(FailurePrefix, StringComparison.Ordinal))
        {
            return new SubmitOutcome { Success = false, Reply = reply };
        }

        if (!reply.StartsWith(SuccessPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        // the entry may itself contain " - ", so the groups are taken from the end
        var groups = reply[SuccessPrefix.Length..].Split(" - ");
        if (groups.Length < 4)
        {
            return null;
        }

        var counts = Numbers(groups[^2]);
        var times = Numbers(groups[^1]);
        if (counts is not { Length: 6 } || times is not { Length: 3 })
        {
            return null;
        }

        return new SubmitOutcome
        {
            Success = true,
            Reply = reply,
            Correct = (int)counts[0],
            Incorrect = (int)counts[1],
            LinesRead = (int)counts[2],
            LinesSentSession = counts[3],
            LinesSentConnection = counts[4],
            MaxLines = (int)counts[5],
            SessionStartMs = times[0],
            ConnectionStartMs = times[1],
            SubmittedMs = times[2],
        };
    }

    private static long[]? Numbers(string group)
    {
        var parts = group.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers;
    }
}
