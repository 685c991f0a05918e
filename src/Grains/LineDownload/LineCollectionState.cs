using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>What a line collection keeps in grain storage: enough to carry on after its silo dies.</summary>
[GenerateSerializer, Alias("OrleansDist.LineDownload.LineCollectionState")]
public sealed class LineCollectionState
{
    [Id(0)]
    public DownloadRequest? Request { get; set; }

    [Id(1)]
    public DownloadPhase Phase { get; set; } = DownloadPhase.NotStarted;

    [Id(2)]
    public long StartedAtMs { get; set; }

    /// <summary>The source address each fetcher binds to (null entries: the system's address).</summary>
    [Id(3)]
    public List<string?> SourceAddresses { get; set; } = [];

    [Id(4)]
    public Dictionary<int, string> Lines { get; set; } = [];

    /// <summary>Ms after the start at which each line arrived, in arrival order.</summary>
    [Id(5)]
    public List<int> ArrivalMs { get; set; } = [];

    [Id(6)]
    public long? CompletedAfterMs { get; set; }

    [Id(7)]
    public long? SubmittedAfterMs { get; set; }

    [Id(8)]
    public SubmitOutcome? Submit { get; set; }

    [Id(9)]
    public int SubmitAttempts { get; set; }

    [Id(10)]
    public string? Error { get; set; }

    [Id(11)]
    public long CollectionDuplicates { get; set; }

    [Id(12)]
    public long ConflictingLines { get; set; }

    [Id(13)]
    public List<FetcherTotals> Fetchers { get; set; } = [];
}
