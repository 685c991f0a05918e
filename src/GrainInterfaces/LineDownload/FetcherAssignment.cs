namespace OrleansDist.GrainInterfaces.LineDownload;

/// <summary>What the collection tells one fetcher when it starts it.</summary>
public sealed record FetcherAssignment
{
    public required string DownloadId { get; init; }

    public required int Index { get; init; }

    public required DownloadRequest Request { get; init; }

    /// <summary>Address to bind the connection to; null lets the operating system choose.</summary>
    public string? SourceAddress { get; init; }

    /// <summary>Send <c>SESSION RESET</c> on the first connection (false when a fetcher is restarted mid-download).</summary>
    public bool ResetSession { get; init; }

    /// <summary>Line numbers the collection already holds, as a bitmap (bit n = line n), so a restarted fetcher skips them.</summary>
    public byte[] Collected { get; init; } = [];
}
