namespace OrleansDist.LineServer;

/// <summary>
/// How replies are handed to TCP. Clients must parse a byte stream, never one reply per <c>recv</c>; the non-normal modes
/// exist to prove that they do.
/// </summary>
public enum ReplyWriteMode
{
    /// <summary>One socket write per reply.</summary>
    Normal = 0,

    /// <summary>Every byte of a reply is its own socket write (with Nagle off), so replies arrive in pieces.</summary>
    Split = 1,

    /// <summary>
    /// Replies are held for <see cref="LineServerOptions.CoalesceWindow"/> and written together, so a pipelining client
    /// gets several replies in one read. A lone reply still leaves within the window, so a strictly sequential client works.
    /// </summary>
    Coalesce = 2,
}
