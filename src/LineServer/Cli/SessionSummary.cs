using System.Globalization;

namespace OrleansDist.LineServer.Cli;

/// <summary>The per-session lines the executable prints on stdout when it stops.</summary>
internal static class SessionSummary
{
    public static async Task WriteAsync(LineServerHost host, TextWriter output)
    {
        var sessions = host.GetSessions();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"LINE SERVER STOPPED sessions={sessions.Count} submissions={host.Submissions.Count}")).ConfigureAwait(false);
        foreach (var session in sessions)
        {
            var latest = session.LatestSubmission is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"entry={s.Entry} correct={s.Correct} incorrect={s.Incorrect} score_ms={s.ScoreMs}")
                : "no successful submission";
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"SESSION ip={session.ClientAddress} start_ms={session.StartMs} lines_sent={session.LinesSent} minus_one={session.MinusOneReplies} faulty={session.FaultyReplies} submissions={session.Submissions} {latest}")).ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);
    }
}
