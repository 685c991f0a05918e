using System.Net;

namespace OrleansDist.LineServer;

/// <summary>
/// One SUBMIT, successful or not, with the numbers the success reply carries. Times are milliseconds since the Unix epoch.
/// For a failed submission the counts are those reached before it failed.
/// </summary>
public sealed record SubmitRecord(
    string Entry,
    IPAddress ClientAddress,
    bool Success,
    string Reply,
    int Correct,
    int Incorrect,
    int LinesRead,
    long LinesSentSession,
    long LinesSentConnection,
    long SessionStartMs,
    long ConnectionStartMs,
    long SubmittedMs)
{
    /// <summary>The course's score: time from the session's start to this submission.</summary>
    public long ScoreMs => SubmittedMs - SessionStartMs;

    /// <summary>Why the submission failed (<c>LINESTOREAD PARSING ERROR</c>, ...), or null for a success.</summary>
    public string? FailureReason { get; init; }
}
