using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.P2P;

/// <summary>The peers this silo hosts (filled from the silo's options), by name: what a peer grain finds its share in.</summary>
public sealed class PeerShareRegistry
{
    private readonly Dictionary<string, PeerShare> _shares = new(StringComparer.Ordinal);

    public PeerShareRegistry(IEnumerable<PeerShareOptions> peers, TimeProvider time, ILoggerFactory loggers)
    {
        foreach (var peer in peers)
        {
            if (!PeerShareOptions.IsValidName(peer.Name))
            {
                throw new ArgumentException($"peer name '{peer.Name}' is not valid: 1-64 letters, digits, '.', '_' or '-'");
            }

            if (!_shares.TryAdd(peer.Name, new PeerShare(peer.Name, peer.Directory, peer.UploadBytesPerSecond, time, loggers.CreateLogger($"OrleansDist.Grains.P2P.Peer.{peer.Name}"))))
            {
                throw new ArgumentException($"peer '{peer.Name}' is given twice");
            }
        }
    }

    public IReadOnlyCollection<PeerShare> Shares => _shares.Values;

    public PeerShare? Find(string name) => _shares.GetValueOrDefault(name);
}
