namespace Dist.GrainInterfaces.LineDownload;

/// <summary>What the collection tells one fetcher when it starts it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.FetcherAssignment")]
public sealed record FetcherAssignment
{
    [Id(0)]
    public required string DownloadId { get; init; }

    [Id(1)]
    public required int Index { get; init; }

    [Id(2)]
    public required DownloadRequest Request { get; init; }

    /// <summary>Address to bind the connection to; null lets the operating system choose.</summary>
    [Id(3)]
    public string? SourceAddress { get; init; }

    /// <summary>Send <c>SESSION RESET</c> on the first connection (false when a fetcher is restarted mid-download).</summary>
    [Id(4)]
    public bool ResetSession { get; init; }

    /// <summary>Line numbers the collection already holds, as a bitmap (bit n = line n), so a restarted fetcher skips them.</summary>
    [Id(5)]
    public byte[] Collected { get; init; } = [];
}
