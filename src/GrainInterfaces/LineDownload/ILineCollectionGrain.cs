using Orleans.Concurrency;

namespace Dist.GrainInterfaces.LineDownload;

/// <summary>
/// One cooperative download, keyed by its download id: pools the lines that the fetchers bring, keeps them in grain
/// storage so that a silo crash loses none, restarts fetchers that stop reporting, and SUBMITs the file when it is whole.
/// </summary>
[Alias("OrleansDist.ILineCollectionGrain")]
public interface ILineCollectionGrain : IGrainWithStringKey
{
    /// <summary>Starts the download (idempotent: a second call with the same request only returns the status).</summary>
    [Alias("Start")]
    Task<DownloadStatus> Start(DownloadRequest request);

    /// <summary>
    /// Called by fetcher <paramref name="fetcherIndex"/> with the lines it believes are new and its counters since its
    /// previous report. Lines the collection already has are counted and dropped. Returns what the collection holds.
    /// </summary>
    [Alias("AddLines")]
    Task<AddLinesResult> AddLines(int fetcherIndex, FetcherCounters counters, NumberedLine[] lines);

    /// <summary>Progress, per fetcher, and the SUBMIT outcome once there is one.</summary>
    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<DownloadStatus> GetStatus();

    /// <summary>Arrival time of every collected line, in ms since the download started, in arrival order.</summary>
    [AlwaysInterleave]
    [Alias("GetTimeline")]
    Task<int[]> GetTimeline();

    /// <summary>The collected lines (number → text), for checking a finished download.</summary>
    [Alias("GetLines")]
    Task<NumberedLine[]> GetLines();

    /// <summary>Stops the fetchers and marks the download cancelled.</summary>
    [Alias("Cancel")]
    Task Cancel(string reason);
}
