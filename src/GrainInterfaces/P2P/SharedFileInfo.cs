namespace Dist.GrainInterfaces.P2P;

/// <summary>A file a peer shares: its path relative to the share, size and SHA-256 (lowercase hex).</summary>
[GenerateSerializer, Immutable, Alias("p2p.shared-file")]
public sealed record SharedFileInfo
{
    [Id(0)] public required string Path { get; init; }

    [Id(1)] public required long Size { get; init; }

    [Id(2)] public required string Sha256 { get; init; }

    [Id(3)] public required string Peer { get; init; }

    /// <summary>The chunk size its recorded chunk hashes are for.</summary>
    [Id(4)] public int ChunkSize { get; init; }
}
