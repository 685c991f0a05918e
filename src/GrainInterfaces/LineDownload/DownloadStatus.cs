namespace Dist.GrainInterfaces.LineDownload;

/// <summary>A download's progress as the collection sees it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.DownloadStatus")]
public sealed record DownloadStatus
{
    [Id(0)]
    public required string DownloadId { get; init; }

    [Id(1)]
    public required DownloadPhase Phase { get; init; }

    [Id(2)]
    public DownloadRequest? Request { get; init; }

    /// <summary>Distinct lines held.</summary>
    [Id(3)]
    public int Collected { get; init; }

    [Id(4)]
    public int ExpectedLines { get; init; }

    /// <summary>When the download started (Unix ms, the collection's clock).</summary>
    [Id(5)]
    public long StartedAtMs { get; init; }

    /// <summary>Ms from start until the last line arrived; null while incomplete.</summary>
    [Id(6)]
    public long? CompletedAfterMs { get; init; }

    /// <summary>Ms from start until the server answered the SUBMIT; null before.</summary>
    [Id(7)]
    public long? SubmittedAfterMs { get; init; }

    /// <summary>Lines fetchers sent that the collection already held (two fetchers got the same line at once).</summary>
    [Id(8)]
    public long CollectionDuplicates { get; init; }

    [Id(9)]
    public SubmitOutcome? Submit { get; init; }

    /// <summary>Why the download failed or was cancelled.</summary>
    [Id(10)]
    public string? Error { get; init; }

    /// <summary>Which silo hosts the collection.</summary>
    [Id(11)]
    public string CollectionSilo { get; init; } = "";

    [Id(12)]
    public FetcherProgress[] Fetchers { get; init; } = [];
}

/// <summary>One fetcher's totals over all its activations, and what it last said.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.FetcherProgress")]
public sealed record FetcherProgress
{
    [Id(0)]
    public required int Index { get; init; }

    [Id(1)]
    public string Silo { get; init; } = "";

    [Id(2)]
    public string SourceAddress { get; init; } = "";

    [Id(3)]
    public bool Connected { get; init; }

    [Id(4)]
    public long Requests { get; init; }

    [Id(5)]
    public long LinesReceived { get; init; }

    /// <summary>Lines this fetcher brought that the collection did not have.</summary>
    [Id(6)]
    public long NewLines { get; init; }

    [Id(7)]
    public long Duplicates { get; init; }

    [Id(8)]
    public long MinusOneReplies { get; init; }

    [Id(9)]
    public long Reconnects { get; init; }

    [Id(10)]
    public long MalformedReplies { get; init; }

    /// <summary>Line-carrying replies after the fetcher's first <c>-1</c> (see <see cref="FetcherCounters.ThrottledDraws"/>).</summary>
    [Id(14)]
    public long ThrottledDraws { get; init; }

    [Id(15)]
    public long ThrottledMicroseconds { get; init; }

    /// <summary>How many times the collection started this fetcher again after it went silent.</summary>
    [Id(11)]
    public int Restarts { get; init; }

    [Id(12)]
    public string? LastError { get; init; }

    /// <summary>Ms since the fetcher last reported (null: it never did).</summary>
    [Id(13)]
    public long? SilentForMs { get; init; }
}
