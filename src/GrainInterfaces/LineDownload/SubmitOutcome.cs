namespace OrleansDist.GrainInterfaces.LineDownload;

/// <summary>The line server's reply to a SUBMIT, with the numbers of a success reply parsed out.</summary>
public sealed record SubmitOutcome
{
    public required bool Success { get; init; }

    /// <summary>The reply line exactly as the server sent it (without the newline).</summary>
    public required string Reply { get; init; }

    public int Correct { get; init; }

    public int Incorrect { get; init; }

    public int LinesRead { get; init; }

    public long LinesSentSession { get; init; }

    public long LinesSentConnection { get; init; }

    public int MaxLines { get; init; }

    public long SessionStartMs { get; init; }

    public long ConnectionStartMs { get; init; }

    public long SubmittedMs { get; init; }

    /// <summary>The course's score: submitted minus session start, in ms.</summary>
    public long ScoreMs => SubmittedMs - SessionStartMs;
}
