namespace Dist.GrainInterfaces.LineDownload;

/// <summary>
/// One fetcher of a download, keyed <c>{downloadId}/{index}</c>: keeps its own long-lived connection to the line server
/// from its own source address, asks for lines, and hands the new ones to the download's <see cref="ILineCollectionGrain"/>.
/// </summary>
[Alias("OrleansDist.ILineFetcherGrain")]
public interface ILineFetcherGrain : IGrainWithStringKey
{
    /// <summary>Starts fetching (idempotent: a fetcher that is already running keeps its connection).</summary>
    [Alias("Start")]
    Task Start(FetcherAssignment assignment);

    /// <summary>
    /// Stops asking for lines and waits for the replies still in flight. The connection stays open for a SUBMIT when
    /// <paramref name="keepConnection"/> is set; otherwise it is closed and the activation ends.
    /// </summary>
    [Alias("Stop")]
    Task Stop(bool keepConnection);

    /// <summary>
    /// Stops fetching and submits <paramref name="lines"/> as <paramref name="entry"/> on this fetcher's connection (a new
    /// one from the assignment's source address when this activation has none, e.g. after its silo died).
    /// </summary>
    [Alias("Submit")]
    Task<SubmitOutcome> Submit(FetcherAssignment assignment, string entry, NumberedLine[] lines);
}
