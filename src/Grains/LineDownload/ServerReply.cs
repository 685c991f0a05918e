namespace OrleansDist.Grains.LineDownload;

/// <summary>What a <see cref="LineServerConnection"/> read from the server, in the order of the requests.</summary>
internal readonly record struct ServerReply(ServerReplyKind Kind, SendLineReply Line = default, string? Text = null)
{
    public static ServerReply Malformed(string error) => new(ServerReplyKind.Malformed, Text: error);

    public static ServerReply Closed(string reason) => new(ServerReplyKind.Closed, Text: reason);
}

internal enum ServerReplyKind
{
    /// <summary>A SENDLINE reply: a line or <c>-1</c>.</summary>
    SendLine,
    /// <summary>The one-line reply to another command (SESSION RESET, SUBMIT).</summary>
    CommandReply,
    /// <summary>Bytes that are not the reply expected; the connection is unusable from here on.</summary>
    Malformed,
    /// <summary>The server closed the connection or it broke.</summary>
    Closed,
}
