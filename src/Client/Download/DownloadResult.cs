using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Client.Download;

/// <summary>One finished (or failed) download, as the client measured it and the collection reported it.</summary>
internal sealed record DownloadResult
{
    public required string DownloadId { get; init; }

    public required int Fetchers { get; init; }

    public required int Lines { get; init; }

    /// <summary>Seconds from the start request until the server's SUBMIT reply, measured by the client.</summary>
    public required double Seconds { get; init; }

    /// <summary>Seconds from the start until the collection held every line (the collection's clock).</summary>
    public double? CollectedSeconds { get; init; }

    public required DownloadStatus Status { get; init; }

    /// <summary>Arrival of each line in ms after the start, in arrival order.</summary>
    public int[] Timeline { get; init; } = [];

    public long Requests => Status.Fetchers.Sum(f => f.Requests);

    /// <summary>Replies that carried a line: what the coupon collector drew, new or not.</summary>
    public long LinesReceived => Status.Fetchers.Sum(f => f.LinesReceived);

    /// <summary>Lines received that were already held: dropped at a fetcher, or by the collection when two fetchers raced.</summary>
    public long Duplicates => Status.Fetchers.Sum(f => f.Duplicates) + Status.CollectionDuplicates;

    /// <summary>
    /// Line-carrying replies per second at the server's steady rate: each fetcher's draws after its first <c>-1</c> (the
    /// token bucket's initial burst spent) over the time they took, summed over the fetchers (each has its own session).
    /// Neither the burst nor how many draws the coupon collector happens to need moves it. Null when no fetcher was throttled.
    /// </summary>
    public double? SteadyDrawRate =>
        Status.Fetchers.Where(f => f.ThrottledMicroseconds > 0).Select(f => f.ThrottledDraws / (f.ThrottledMicroseconds / 1e6)).ToList() is { Count: > 0 } rates
            ? rates.Sum()
            : null;

    public long MinusOneReplies => Status.Fetchers.Sum(f => f.MinusOneReplies);

    public long Reconnects => Status.Fetchers.Sum(f => f.Reconnects);

    public long Restarts => Status.Fetchers.Sum(f => f.Restarts);

    /// <summary>The server took the file with every line correct.</summary>
    public bool Succeeded => Status.Phase == DownloadPhase.Submitted && Status.Submit is { Success: true } s && s.Incorrect == 0 && s.Correct == Lines;
}
