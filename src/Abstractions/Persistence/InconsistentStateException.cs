namespace OrleansDist.Persistence;

/// <summary>A write found a different etag in storage than the one the grain read: someone else wrote in between.</summary>
public class InconsistentStateException : Exception
{
    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base($"{message} (stored etag '{storedEtag ?? "<none>"}', grain etag '{currentEtag ?? "<none>"}')")
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    public string? StoredEtag { get; }

    public string? CurrentEtag { get; }
}
