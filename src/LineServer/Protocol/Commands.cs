namespace OrleansDist.LineServer.Protocol;

/// <summary>Request lines the server understands, matched exactly (case-sensitive, after removing a trailing \r).</summary>
internal static class Commands
{
    public const string SendLine = "SENDLINE";
    public const string Submit = "SUBMIT";
    public const string SessionReset = "SESSION RESET";
    public const string SendIncorrectLines = "SEND INCORRECT LINES";
}
