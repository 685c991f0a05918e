namespace Dist.GrainInterfaces.P2P;

/// <summary>What one source contributed to a download so far.</summary>
[GenerateSerializer, Immutable, Alias("p2p.source-progress")]
public sealed record SourceProgress
{
    [Id(0)] public required string Peer { get; init; }

    [Id(1)] public int Chunks { get; init; }

    [Id(2)] public long Bytes { get; init; }

    /// <summary>Calls that failed (timeouts, the peer's silo down).</summary>
    [Id(3)] public int Failures { get; init; }

    /// <summary>Chunks whose bytes did not match their hash.</summary>
    [Id(4)] public int HashMismatches { get; init; }

    /// <summary>Null while the source is used; else why it was dropped.</summary>
    [Id(5)] public string? DroppedBecause { get; init; }

    /// <summary>Measured rate (bytes/s) of its recent chunks.</summary>
    [Id(6)] public double BytesPerSecond { get; init; }
}
