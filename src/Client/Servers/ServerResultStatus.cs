namespace OrleansDist.Client.Servers;

/// <summary>Whether a design served every client at a client count.</summary>
internal enum ServerResultStatus
{
    Ok,
    Failed,
    Skipped,
}
