namespace Dist.GrainInterfaces.P2P;

/// <summary>A live peer as the tracker knows it: its name, the silo (machine) holding its share, and its grain key.</summary>
[GenerateSerializer, Immutable, Alias("p2p.peer-info")]
public sealed record PeerInfo
{
    [Id(0)] public required string Name { get; init; }

    /// <summary>Name of the silo the peer's shared folder lives on.</summary>
    [Id(1)] public required string Silo { get; init; }

    /// <summary>The key of its <see cref="IPeerGrain"/>: <c>"&lt;silo&gt;/&lt;peer&gt;"</c> (machine-bound).</summary>
    [Id(2)] public required string GrainKey { get; init; }

    /// <summary>Upload limit in bytes per second; 0 = unlimited.</summary>
    [Id(3)] public long UploadBytesPerSecond { get; init; }
}
