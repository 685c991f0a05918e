namespace Dist.GrainInterfaces.P2P;

/// <summary>The tracker's live-peer list; <see cref="Version"/> grows on every change (a peer joins or is dropped).</summary>
[GenerateSerializer, Immutable, Alias("p2p.peer-list")]
public sealed record PeerList
{
    [Id(0)] public long Version { get; init; }

    [Id(1)] public IReadOnlyList<PeerInfo> Peers { get; init; } = [];

    /// <summary>What changed last, for people watching ("+bob", "-carol (missed heartbeats)").</summary>
    [Id(2)] public string Change { get; init; } = "";
}
