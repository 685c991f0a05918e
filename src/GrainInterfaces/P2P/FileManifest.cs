namespace Dist.GrainInterfaces.P2P;

/// <summary>
/// What a downloader verifies against: the whole file's SHA-256 and one SHA-256 per chunk of <see cref="ChunkSize"/>
/// bytes (the last chunk may be shorter). Recorded when a file is added (or downloaded and verified).
/// </summary>
[GenerateSerializer, Immutable, Alias("p2p.file-manifest")]
public sealed record FileManifest
{
    [Id(0)] public required string Path { get; init; }

    [Id(1)] public required long Size { get; init; }

    /// <summary>Lowercase hex SHA-256 of the whole file.</summary>
    [Id(2)] public required string Sha256 { get; init; }

    [Id(3)] public required int ChunkSize { get; init; }

    /// <summary>Lowercase hex SHA-256 of each chunk, in order.</summary>
    [Id(4)] public required IReadOnlyList<string> ChunkHashes { get; init; }

    public int ChunkCount => ChunkHashes.Count;

    public long ChunkOffset(int index) => (long)index * ChunkSize;

    public int ChunkLength(int index) => (int)Math.Min(ChunkSize, Size - ChunkOffset(index));

    /// <summary>The same file and the same chunking (a different holder's manifest that agrees with this one).</summary>
    public bool SameContent(FileManifest other) =>
        Size == other.Size && ChunkSize == other.ChunkSize && string.Equals(Sha256, other.Sha256, StringComparison.Ordinal)
        && ChunkHashes.SequenceEqual(other.ChunkHashes, StringComparer.Ordinal);
}
