using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>The tracker's bookkeeping: who is live and when each was last heard from. Pure: times are passed in.</summary>
public sealed class LivePeerTable(TimeSpan timeout)
{
    private readonly Dictionary<string, (PeerInfo Peer, DateTimeOffset LastSeen)> _peers = new(StringComparer.Ordinal);

    public long Version { get; private set; }

    public string LastChange { get; private set; } = "";

    /// <summary>Records a heartbeat; true when this changed the list (a new peer, or one that moved or changed).</summary>
    public bool Heartbeat(PeerInfo peer, DateTimeOffset now)
    {
        var changed = !_peers.TryGetValue(peer.Name, out var known) || known.Peer != peer;
        _peers[peer.Name] = (peer, now);
        if (changed)
        {
            Changed(known.Peer is null ? $"+{peer.Name} (on {peer.Silo})" : $"~{peer.Name} (now on {peer.Silo})");
        }

        return changed;
    }

    public bool Leave(string name)
    {
        if (_peers.Remove(name))
        {
            Changed($"-{name} (left)");
            return true;
        }

        return false;
    }

    /// <summary>Drops the peers not heard from within the timeout; returns their names.</summary>
    public IReadOnlyList<string> Expire(DateTimeOffset now)
    {
        var dead = _peers.Where(p => now - p.Value.LastSeen > timeout).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        foreach (var name in dead)
        {
            _peers.Remove(name);
        }

        if (dead.Count > 0)
        {
            Changed(string.Join(", ", dead.Select(d => $"-{d}")) + $" (no heartbeat for {timeout.TotalSeconds:0.#} s)");
        }

        return dead;
    }

    public PeerList Snapshot() => new()
    {
        Version = Version,
        Peers = [.. _peers.Values.Select(p => p.Peer).OrderBy(p => p.Name, StringComparer.Ordinal)],
        Change = LastChange,
    };

    private void Changed(string what)
    {
        Version++;
        LastChange = what;
    }
}
