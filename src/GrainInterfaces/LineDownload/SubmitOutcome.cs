namespace Dist.GrainInterfaces.LineDownload;

/// <summary>The line server's reply to a SUBMIT, with the numbers of a success reply parsed out.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.SubmitOutcome")]
public sealed record SubmitOutcome
{
    [Id(0)]
    public required bool Success { get; init; }

    /// <summary>The reply line exactly as the server sent it (without the newline).</summary>
    [Id(1)]
    public required string Reply { get; init; }

    [Id(2)]
    public int Correct { get; init; }

    [Id(3)]
    public int Incorrect { get; init; }

    [Id(4)]
    public int LinesRead { get; init; }

    [Id(5)]
    public long LinesSentSession { get; init; }

    [Id(6)]
    public long LinesSentConnection { get; init; }

    [Id(7)]
    public int MaxLines { get; init; }

    [Id(8)]
    public long SessionStartMs { get; init; }

    [Id(9)]
    public long ConnectionStartMs { get; init; }

    [Id(10)]
    public long SubmittedMs { get; init; }

    /// <summary>The course's score: submitted minus session start, in ms.</summary>
    public long ScoreMs => SubmittedMs - SessionStartMs;
}
