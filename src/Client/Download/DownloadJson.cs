namespace OrleansDist.Client.Download;

/// <summary>The JSON shape of one download (the <c>download --json</c> file, and each run of an experiment).</summary>
internal static class DownloadJson
{
    public static object Summary(DownloadResult result) => new
    {
        download_id = result.DownloadId,
        result.Fetchers,
        result.Lines,
        seconds = Math.Round(result.Seconds, 3),
        collected_seconds = result.CollectedSeconds is { } c ? Math.Round(c, 3) : (double?)null,
        phase = result.Status.Phase.ToString(),
        succeeded = result.Succeeded,
        result.Requests,
        lines_received = result.LinesReceived,
        steady_draws_per_second = result.SteadyDrawRate is { } rate ? Math.Round(rate, 1) : (double?)null,
        result.Duplicates,
        minus_one_replies = result.MinusOneReplies,
        result.Reconnects,
        result.Restarts,
        error = result.Status.Error,
        submit = result.Status.Submit is { } s
            ? new { s.Reply, s.Success, s.Correct, s.Incorrect, lines_read = s.LinesRead, score_ms = s.Success ? s.ScoreMs : (long?)null }
            : null,
        collection_silo = result.Status.CollectionSilo,
        fetchers_detail = result.Status.Fetchers.Select(f => new
        {
            f.Index,
            f.Silo,
            source_address = f.SourceAddress,
            f.Requests,
            lines_received = f.LinesReceived,
            throttled_draws = f.ThrottledDraws,
            throttled_seconds = Math.Round(f.ThrottledMicroseconds / 1e6, 3),
            new_lines = f.NewLines,
            f.Duplicates,
            minus_one_replies = f.MinusOneReplies,
            f.Reconnects,
            malformed_replies = f.MalformedReplies,
            f.Restarts,
            last_error = f.LastError,
        }),
    };
}
