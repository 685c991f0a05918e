using OrleansDist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>What a line collection keeps in grain storage: enough to carry on after its silo dies.</summary>
public sealed class LineCollectionState
{
    public DownloadRequest? Request { get; set; }

    public DownloadPhase Phase { get; set; } = DownloadPhase.NotStarted;

    public long StartedAtMs { get; set; }

    /// <summary>The source address each fetcher binds to (null entries: the system's address).</summary>
    public List<string?> SourceAddresses { get; set; } = [];

    public Dictionary<int, string> Lines { get; set; } = [];

    /// <summary>Ms after the start at which each line arrived, in arrival order.</summary>
    public List<int> ArrivalMs { get; set; } = [];

    public long? CompletedAfterMs { get; set; }

    public long? SubmittedAfterMs { get; set; }

    public SubmitOutcome? Submit { get; set; }

    public int SubmitAttempts { get; set; }

    public string? Error { get; set; }

    public long CollectionDuplicates { get; set; }

    public long ConflictingLines { get; set; }

    public List<FetcherTotals> Fetchers { get; set; } = [];
}
