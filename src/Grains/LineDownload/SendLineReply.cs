namespace OrleansDist.Grains.LineDownload;

/// <summary>One reply to SENDLINE: a line, or <c>-1</c> (the session is over its rate limit).</summary>
public readonly record struct SendLineReply(int Number, string Text)
{
    public static readonly SendLineReply RateLimited = new(-1, "");

    public bool IsRateLimited => Number < 0;
}
