namespace Dist.GrainInterfaces.LineDownload;

/// <summary>What to download, from where, with how many fetchers, and how they pace themselves.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.DownloadRequest")]
public sealed record DownloadRequest
{
    /// <summary>Line server endpoint, <c>host:port</c>.</summary>
    [Id(0)]
    public required string Server { get; init; }

    /// <summary>What SUBMIT names the entry: <c>entryID@team</c>.</summary>
    [Id(1)]
    public required string Entry { get; init; }

    [Id(2)]
    public int Fetchers { get; init; } = 1;

    /// <summary>How many lines the file has (the course server's is 1,000).</summary>
    [Id(3)]
    public int ExpectedLines { get; init; } = 1000;

    /// <summary>
    /// Source address per fetcher index. Empty: distinct 127.0.0.x addresses when the server is on this host's
    /// loopback, otherwise the address the operating system picks (one fetcher per machine then has its own session).
    /// </summary>
    [Id(4)]
    public string[] SourceAddresses { get; init; } = [];

    /// <summary>Send <c>SESSION RESET</c> when a fetcher first connects, so every download starts a fresh session.</summary>
    [Id(5)]
    public bool ResetSession { get; init; } = true;

    /// <summary>Requests a fetcher keeps in flight on its connection (hides the round trip).</summary>
    [Id(6)]
    public int PipelineDepth { get; init; } = 4;

    /// <summary>Longest a new line waits in a fetcher before it is handed to the collection.</summary>
    [Id(7)]
    public int FlushIntervalMs { get; init; } = 100;

    /// <summary>A fetcher hands its new lines over as soon as it holds this many.</summary>
    [Id(8)]
    public int FlushLines { get; init; } = 32;

    /// <summary>Longest accepted line of text (a longer reply is malformed: the fetcher reconnects).</summary>
    [Id(9)]
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>A fetcher that has not reported for this long is started again, on a live silo.</summary>
    [Id(10)]
    public int FetcherStallTimeoutMs { get; init; } = 5000;

    /// <summary>The download fails when no fetcher has reached the server for this long.</summary>
    [Id(11)]
    public int ServerUnreachableTimeoutMs { get; init; } = 60_000;

    /// <summary>W3C traceparent of the span that started the download: restarts and the SUBMIT join that trace.</summary>
    [Id(12)]
    public string? TraceParent { get; init; }
}
