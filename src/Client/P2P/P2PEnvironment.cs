using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// Where the p2p commands run: with <c>--cluster</c>, the running cluster and the peers its silos host
/// (<c>OrleansDist.Silo --peer NAME --share DIR</c>); otherwise one embedded silo per <c>--share NAME=DIR</c>, each
/// hosting that peer, started here and stopped at the end (the shares and what they hold stay on disk).
/// </summary>
internal sealed class P2PEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(15);

    private P2PEnvironment(ExperimentCluster cluster, IReadOnlyList<PeerShareOptions> embeddedPeers)
    {
        Cluster = cluster;
        EmbeddedPeers = embeddedPeers;
    }

    public ExperimentCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public ITrackerGrain Tracker => Client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);

    /// <summary>The peers started here (embedded silos), in silo order.</summary>
    public IReadOnlyList<PeerShareOptions> EmbeddedPeers { get; }

    public static async Task<P2PEnvironment> StartAsync(
        CommonOptions.Settings common, bool useCluster, IReadOnlyList<PeerShareOptions> shares, TextWriter log, CancellationToken cancellationToken)
    {
        if (useCluster && shares.Count > 0)
        {
            throw new UsageException("--share starts peers on embedded silos; with --cluster the peers are those of the running silos (OrleansDist.Silo --peer NAME --share DIR)");
        }

        if (!useCluster && shares.Count == 0)
        {
            throw new UsageException("no peers: without --cluster, give the peers to run here with --share NAME=DIR (repeat it; each peer gets its own embedded silo), or use --cluster");
        }

        var cluster = await ExperimentCluster.StartAsync(common, useCluster, Math.Max(1, shares.Count), log, cancellationToken,
            configureSilo: useCluster ? null : (index, silo) => silo.AddP2PPeers([shares[index]]));
        var environment = new P2PEnvironment(cluster, shares);
        try
        {
            if (!useCluster)
            {
                await environment.WaitForPeersAsync([.. shares.Select(s => s.Name)], cancellationToken);
                await log.WriteLineAsync($"Peers: {string.Join(", ", shares.Select((s, i) => $"{s.Name} on silo{i} sharing {s.Directory}"))}");
            }

            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the tracker lists every one of <paramref name="names"/>.</summary>
    public async Task<PeerList> WaitForPeersAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RegistrationTimeout;
        while (true)
        {
            var list = await Tracker.GetPeers();
            if (names.All(n => list.Peers.Any(p => p.Name == n)))
            {
                return list;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CommandFailedException($"the peers {string.Join(", ", names.Where(n => list.Peers.All(p => p.Name != n)))} did not register with the tracker within {RegistrationTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The live peer of that name, or a clear error naming the live ones.</summary>
    public async Task<PeerInfo> FindPeerAsync(string name)
    {
        var list = await Tracker.GetPeers();
        return list.Peers.FirstOrDefault(p => p.Name == name)
            ?? throw new CommandFailedException($"peer '{name}' is not live (live: {(list.Peers.Count == 0 ? "none" : string.Join(", ", list.Peers.Select(p => p.Name)))})");
    }

    public IPeerGrain Peer(PeerInfo peer) => Client.GetGrain<IPeerGrain>(peer.GrainKey);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
