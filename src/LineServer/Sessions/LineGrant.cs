namespace OrleansDist.LineServer.Sessions;

/// <summary>What one SENDLINE gets: a line number (or none: over the rate limit) and the fault to inject, if any.</summary>
internal readonly record struct LineGrant(bool Granted, int LineNumber, ReplyFaults Fault)
{
    public static LineGrant Refused => new(false, -1, ReplyFaults.None);
}
