using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// Finds who can serve a file: asks every candidate live peer for its manifest, keeps the peers whose manifests agree
/// with the most common one (a peer with a different file under that name is left out, with a note).
/// </summary>
public static class DownloadSources
{
    public static readonly TimeSpan ManifestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The agreed manifest and its holders; null manifest when no candidate holds the file.</summary>
    public static async Task<(FileManifest? Manifest, IReadOnlyList<PeerInfo> Holders, IReadOnlyList<string> Notes)> FindAsync(
        IGrainFactory grains, IEnumerable<PeerInfo> candidates, string path, int chunkSize, CancellationToken cancellationToken)
    {
        var asked = candidates.ToList();
        var answers = await Task.WhenAll(asked.Select(async peer =>
        {
            try
            {
                var manifest = await grains.GetGrain<IPeerGrain>(peer.GrainKey).GetManifest(path, chunkSize).WaitAsync(ManifestTimeout, cancellationToken);
                return (peer, manifest, error: (string?)null);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                return (peer, manifest: (FileManifest?)null, error: ex.Message);
            }
        }));

        var notes = answers.Where(a => a.error is not null).Select(a => $"{a.peer.Name}: {a.error}").ToList();
        var holding = answers.Where(a => a.manifest is not null).ToList();
        var chosen = Choose(holding.Select(h => h.manifest!).ToList());
        if (chosen is null)
        {
            return (null, [], notes);
        }

        var holders = new List<PeerInfo>();
        foreach (var (peer, manifest, _) in holding)
        {
            if (manifest!.SameContent(chosen))
            {
                holders.Add(peer);
            }
            else
            {
                notes.Add($"{peer.Name} holds a different '{path}' (SHA-256 {manifest.Sha256[..12]}…); not used");
            }
        }

        return (chosen, holders, notes);
    }

    /// <summary>The manifest most holders agree on (ties: the first); null for none.</summary>
    public static FileManifest? Choose(IReadOnlyList<FileManifest> manifests)
    {
        FileManifest? best = null;
        var bestVotes = 0;
        foreach (var candidate in manifests)
        {
            var votes = manifests.Count(m => m.SameContent(candidate));
            if (votes > bestVotes)
            {
                best = candidate;
                bestVotes = votes;
            }
        }

        return best;
    }
}
