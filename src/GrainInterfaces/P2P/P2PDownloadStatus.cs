namespace Dist.GrainInterfaces.P2P;

/// <summary>A download's progress, per source and in total.</summary>
[GenerateSerializer, Immutable, Alias("p2p.download-status")]
public sealed record P2PDownloadStatus
{
    [Id(0)] public required string Path { get; init; }

    [Id(1)] public required string Peer { get; init; }

    [Id(2)] public P2PDownloadState State { get; init; }

    [Id(3)] public long Size { get; init; }

    [Id(4)] public string Sha256 { get; init; } = "";

    [Id(5)] public int ChunkCount { get; init; }

    [Id(6)] public int VerifiedChunks { get; init; }

    /// <summary>Chunks kept (and re-verified) from an earlier, interrupted attempt.</summary>
    [Id(7)] public int ResumedChunks { get; init; }

    /// <summary>Bytes received from sources in this attempt (verified or not).</summary>
    [Id(8)] public long FetchedBytes { get; init; }

    [Id(9)] public double ElapsedSeconds { get; init; }

    [Id(10)] public IReadOnlyList<SourceProgress> Sources { get; init; } = [];

    [Id(11)] public string? Error { get; init; }

    /// <summary>Increases each time a download of this path is (re)started on the peer.</summary>
    [Id(12)] public int Attempt { get; init; }

    [Id(13)] public long VerifiedBytes { get; init; }
}
