namespace OrleansDist.GrainInterfaces.LineDownload;

/// <summary>What one fetcher did since its previous report (deltas, so a restarted fetcher adds to its totals).</summary>
public sealed record FetcherCounters
{
    public long Requests { get; init; }

    /// <summary>Replies carrying a line (new or not).</summary>
    public long LinesReceived { get; init; }

    /// <summary>Lines dropped at the fetcher because it knew the collection had them.</summary>
    public long Duplicates { get; init; }

    /// <summary><c>-1</c> replies (over the server's rate limit).</summary>
    public long MinusOneReplies { get; init; }

    public long Reconnects { get; init; }

    public long MalformedReplies { get; init; }

    /// <summary>The fetcher's silo, source address and connection state at the time of the report.</summary>
    public string Silo { get; init; } = "";

    public string SourceAddress { get; init; } = "";

    /// <summary>True while the fetcher has a working connection to the line server.</summary>
    public bool Connected { get; init; }

    /// <summary>The last error the fetcher met (connect failure, malformed reply), or null.</summary>
    public string? LastError { get; init; }

    /// <summary>These counts plus <paramref name="other"/>'s; the snapshot fields (silo, address, state) stay these.</summary>
    public FetcherCounters Plus(FetcherCounters other) => Combine(other, 1);

    /// <summary>These counts minus <paramref name="other"/>'s (what is left to report after it was reported).</summary>
    public FetcherCounters Minus(FetcherCounters other) => Combine(other, -1);

    private FetcherCounters Combine(FetcherCounters other, int sign) => this with
    {
        Requests = Requests + (sign * other.Requests),
        LinesReceived = LinesReceived + (sign * other.LinesReceived),
        Duplicates = Duplicates + (sign * other.Duplicates),
        MinusOneReplies = MinusOneReplies + (sign * other.MinusOneReplies),
        Reconnects = Reconnects + (sign * other.Reconnects),
        MalformedReplies = MalformedReplies + (sign * other.MalformedReplies),
    };

    public bool IsEmpty => Requests == 0 && LinesReceived == 0 && Duplicates == 0 && MinusOneReplies == 0 && Reconnects == 0 && MalformedReplies == 0;
}
