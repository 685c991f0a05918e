using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>Chunks from a peer grain, over a grain call.</summary>
public sealed class PeerGrainChunkSource(IGrainFactory grains, PeerInfo peer) : IChunkSource
{
    private readonly IPeerGrain _grain = grains.GetGrain<IPeerGrain>(peer.GrainKey);

    public string Peer => peer.Name;

    public Task<byte[]> ReadChunkAsync(string path, long offset, int length, CancellationToken cancellationToken) =>
        _grain.ReadChunk(path, offset, length).WaitAsync(cancellationToken);
}
