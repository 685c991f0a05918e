namespace OrleansDist.GrainInterfaces.LineDownload;

/// <summary>A download's progress as the collection sees it.</summary>
public sealed record DownloadStatus
{
    public required string DownloadId { get; init; }

    public required DownloadPhase Phase { get; init; }

    public DownloadRequest? Request { get; init; }

    /// <summary>Distinct lines held.</summary>
    public int Collected { get; init; }

    public int ExpectedLines { get; init; }

    /// <summary>When the download started (Unix ms, the collection's clock).</summary>
    public long StartedAtMs { get; init; }

    /// <summary>Ms from start until the last line arrived; null while incomplete.</summary>
    public long? CompletedAfterMs { get; init; }

    /// <summary>Ms from start until the server answered the SUBMIT; null before.</summary>
    public long? SubmittedAfterMs { get; init; }

    /// <summary>Lines fetchers sent that the collection already held (two fetchers got the same line at once).</summary>
    public long CollectionDuplicates { get; init; }

    public SubmitOutcome? Submit { get; init; }

    /// <summary>Why the download failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>Which silo hosts the collection.</summary>
    public string CollectionSilo { get; init; } = "";

    public FetcherProgress[] Fetchers { get; init; } = [];
}

/// <summary>One fetcher's totals over all its activations, and what it last said.</summary>
public sealed record FetcherProgress
{
    public required int Index { get; init; }

    public string Silo { get; init; } = "";

    public string SourceAddress { get; init; } = "";

    public bool Connected { get; init; }

    public long Requests { get; init; }

    public long LinesReceived { get; init; }

    /// <summary>Lines this fetcher brought that the collection did not have.</summary>
    public long NewLines { get; init; }

    public long Duplicates { get; init; }

    public long MinusOneReplies { get; init; }

    public long Reconnects { get; init; }

    public long MalformedReplies { get; init; }

    /// <summary>How many times the collection started this fetcher again after it went silent.</summary>
    public int Restarts { get; init; }

    public string? LastError { get; init; }

    /// <summary>Ms since the fetcher last reported (null: it never did).</summary>
    public long? SilentForMs { get; init; }
}
