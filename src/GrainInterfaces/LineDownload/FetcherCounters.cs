namespace Dist.GrainInterfaces.LineDownload;

/// <summary>What one fetcher did since its previous report (deltas, so a restarted fetcher adds to its totals).</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.FetcherCounters")]
public sealed record FetcherCounters
{
    [Id(0)]
    public long Requests { get; init; }

    /// <summary>Replies carrying a line (new or not).</summary>
    [Id(1)]
    public long LinesReceived { get; init; }

    /// <summary>Lines dropped at the fetcher because it knew the collection had them.</summary>
    [Id(2)]
    public long Duplicates { get; init; }

    /// <summary><c>-1</c> replies (over the server's rate limit).</summary>
    [Id(3)]
    public long MinusOneReplies { get; init; }

    [Id(4)]
    public long Reconnects { get; init; }

    [Id(5)]
    public long MalformedReplies { get; init; }

    /// <summary>The fetcher's silo, source address and connection state at the time of the report.</summary>
    [Id(6)]
    public string Silo { get; init; } = "";

    [Id(7)]
    public string SourceAddress { get; init; } = "";

    /// <summary>True while the fetcher has a working connection to the line server.</summary>
    [Id(8)]
    public bool Connected { get; init; }

    /// <summary>The last error the fetcher met (connect failure, malformed reply), or null.</summary>
    [Id(9)]
    public string? LastError { get; init; }

    /// <summary>
    /// Line-carrying replies received after this fetcher's first <c>-1</c>: draws at the server's steady rate, once the
    /// token bucket's initial burst is spent.
    /// </summary>
    [Id(10)]
    public long ThrottledDraws { get; init; }

    /// <summary>Microseconds of fetching since this fetcher's first <c>-1</c> (the time <see cref="ThrottledDraws"/> took).</summary>
    [Id(11)]
    public long ThrottledMicroseconds { get; init; }

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
        ThrottledDraws = ThrottledDraws + (sign * other.ThrottledDraws),
        ThrottledMicroseconds = ThrottledMicroseconds + (sign * other.ThrottledMicroseconds),
    };

    public bool IsEmpty => Requests == 0 && LinesReceived == 0 && Duplicates == 0 && MinusOneReplies == 0 && Reconnects == 0 && MalformedReplies == 0 && ThrottledDraws == 0 && ThrottledMicroseconds == 0;
}
