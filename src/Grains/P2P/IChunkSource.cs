namespace OrleansDist.Grains.P2P;

/// <summary>Somewhere chunks of a file can be read from (a peer).</summary>
public interface IChunkSource
{
    string Peer { get; }

    Task<byte[]> ReadChunkAsync(string path, long offset, int length, CancellationToken cancellationToken);
}
