namespace Dist.GrainInterfaces.P2P;

/// <summary>Download a file from the peers that hold it.</summary>
[GenerateSerializer, Immutable, Alias("p2p.download-request")]
public sealed record P2PDownloadRequest
{
    /// <summary>Path relative to the share (the same at every peer).</summary>
    [Id(0)] public required string Path { get; init; }

    [Id(1)] public int ChunkSize { get; init; } = P2PLimits.DefaultChunkSize;

    /// <summary>Chunk requests in flight at once, over all sources.</summary>
    [Id(2)] public int Parallel { get; init; } = 8;

    /// <summary>Only these peers as sources; empty = every live peer that holds the file.</summary>
    [Id(3)] public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Start from zero even if verified chunks of an earlier attempt are kept.</summary>
    [Id(4)] public bool Restart { get; init; }
}
