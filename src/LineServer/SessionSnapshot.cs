using System.Net;

namespace OrleansDist.LineServer;

/// <summary>
/// The counters of one client IP's session at one moment. <see cref="StartMs"/> is milliseconds since the Unix epoch;
/// the counters restart with the session (<c>SESSION RESET</c>).
/// </summary>
public sealed record SessionSnapshot(IPAddress ClientAddress, long LinesSent, long MinusOneReplies, long StartMs, int OpenConnections)
{
    /// <summary>SENDLINE replies deliberately malformed by fault injection (also counted in <see cref="LinesSent"/>).</summary>
    public long FaultyReplies { get; init; }

    /// <summary>The session's latest successful submission: the one that counts. Null before any.</summary>
    public SubmitRecord? LatestSubmission { get; init; }

    /// <summary>How many SUBMITs (successful or not) this session has made since it started.</summary>
    public int Submissions { get; init; }
}
