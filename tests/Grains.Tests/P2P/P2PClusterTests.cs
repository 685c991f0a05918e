using System.Diagnostics;
using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;
using OrleansDist.Grains.Placement;
using OrleansDist.Hosting;

namespace OrleansDist.Grains.Tests.P2P;

/// <summary>
/// Peers on an embedded cluster (one silo each, real loopback TCP): a download through grain calls from two sources, a
/// lying source, refusals over the wire, the tracker dropping a stopped silo's peer and pushing that to an observer,
/// and the stopped peer being down rather than moved.
/// </summary>
public sealed class P2PClusterTests
{
    private const int Chunk = 64 << 10;

    [Fact]
    public async Task A_peer_downloads_from_two_sources_then_serves_the_file_and_a_lying_source_is_dropped()
    {
        using var temp = new TempShare();
        var names = new[] { "alice", "carol", "mallory", "bob" };
        await using var cluster = await StartAsync(temp, names);
        var client = cluster.Client;
        var bytes = TempShare.RandomBytes(40 * Chunk, seed: 3);
        foreach (var name in new[] { "alice", "carol", "mallory" })
        {
            File.WriteAllBytes(Path.Combine(temp.Root, name, "f.bin"), bytes);
            await Peer(client, name).Add("f.bin", Chunk);
        }

        // mallory's disk goes bad after sharing: its manifest is right, its bytes are not
        var rotten = (byte[])bytes.Clone();
        for (var i = 0; i < rotten.Length; i += 4096)
        {
            rotten[i] ^= 0x55;
        }

        File.WriteAllBytes(Path.Combine(temp.Root, "mallory", "f.bin"), rotten);
        using var listener = new ActivityCollector(P2PTelemetry.SourceName);
        var status = await Peer(client, "bob").StartDownload(new P2PDownloadRequest { Path = "f.bin", ChunkSize = Chunk, Parallel = 6 });
        status = await WaitAsync(Peer(client, "bob"), "f.bin");
        Assert.Equal(P2PDownloadState.Completed, status.State);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(temp.Root, "bob", "f.bin")));
        var mallory = status.Sources.Single(s => s.Peer == "mallory");
        Assert.Equal(0, mallory.Chunks);
        Assert.True(mallory.HashMismatches >= 1);
        Assert.NotNull(mallory.DroppedBecause);
        Assert.True(status.Sources.Where(s => s.Peer != "mallory").All(s => s.Chunks > 0));

        // a span per chunk transfer with source, offset, size and retries, under the download's span
        // (other tests in this process trace downloads too: only bob's counts)
        var download = Assert.Single(listener.Activities, a => a.OperationName == "p2p download" && (string?)a.GetTagItem("p2p.downloader") == "bob");
        var chunks = listener.Activities.Where(a => a.OperationName == "p2p chunk" && a.TraceId == download.TraceId).ToList();
        Assert.True(chunks.Count >= 40);
        Assert.All(chunks, c =>
        {
            Assert.Equal(download.TraceId, c.TraceId);
            Assert.NotNull(c.GetTagItem("p2p.source"));
            Assert.NotNull(c.GetTagItem("p2p.offset"));
            Assert.NotNull(c.GetTagItem("p2p.size"));
            Assert.NotNull(c.GetTagItem("p2p.retries"));
        });
        Assert.Contains(chunks, c => (int)c.GetTagItem("p2p.retries")! > 0);

        // bob serves it now
        var listed = await Peer(client, "bob").ListFiles();
        Assert.Equal(FileHashing.ChunkHash(bytes), Assert.Single(listed).Sha256);
        Assert.Equal(bytes.AsSpan(0, 10).ToArray(), await Peer(client, "bob").ReadChunk("f.bin", 0, 10));
    }

    [Fact]
    public async Task Refusals_cross_the_wire_and_nothing_outside_the_share_is_read()
    {
        using var temp = new TempShare();
        await using var cluster = await StartAsync(temp, ["alice"]);
        var alice = Peer(cluster.Client, "alice");
        var secret = temp.Write("secret.txt", [1, 2, 3], outside: true);
        File.CreateSymbolicLink(Path.Combine(temp.Root, "alice", "link.bin"), secret);
        File.WriteAllBytes(Path.Combine(temp.Root, "alice", "ok.bin"), TempShare.RandomBytes(1000));
        await alice.Add("ok.bin", Chunk);
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.ReadChunk("../outside/secret.txt", 0, 3));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.ReadChunk(secret, 0, 3));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.Add("link.bin", Chunk));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.ReadChunk("link.bin", 0, 3));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.ReadChunk("ok.bin", 0, P2PLimits.MaxChunkSize + 1));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.StartDownload(new P2PDownloadRequest { Path = "../x" }));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => alice.StartDownload(new P2PDownloadRequest { Path = "nobody-has.bin" }));
        Assert.Equal(1000, (await alice.ReadChunk("ok.bin", 0, 4096)).Length);
    }

    [Fact]
    public async Task The_tracker_drops_a_stopped_silos_peer_pushes_the_change_and_the_peer_is_down_not_moved()
    {
        using var temp = new TempShare();
        await using var cluster = await StartAsync(temp, ["alice", "bob", "carol"]);
        var client = cluster.Client;
        var tracker = client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);
        var observer = new Observer();
        var reference = client.CreateObjectReference<IPeerListObserver>(observer);
        await tracker.Subscribe(reference);

        await cluster.StopSiloAsync(2);
        var watch = Stopwatch.StartNew();
        var pushed = await observer.WaitAsync(l => l.Peers.All(p => p.Name != "carol"), TimeSpan.FromSeconds(15));
        Assert.Equal(["alice", "bob"], pushed.Peers.Select(p => p.Name));
        Assert.Contains("-carol", pushed.Change, StringComparison.Ordinal);
        // 3 missed heartbeats (3 s) plus at most one expiry check, with room for a busy machine
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"dropped after {watch.Elapsed}");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await client.GetGrain<IPeerGrain>(MachineBoundKey.Create("silo2", "carol")).ListFiles();
                Assert.Fail("carol answered although her silo is stopped");
            }
            catch (MachineDownException)
            {
                break;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
            {
                // routed to the stopped silo until membership declares it dead
                await Task.Delay(200);
            }
        }
    }

    internal static Task<EmbeddedCluster> StartAsync(TempShare temp, IReadOnlyList<string> peers) =>
        StartPeersAsync([.. peers.Select(p => new PeerShareOptions(p, Path.Combine(temp.Root, p)))]);

    internal static async Task<EmbeddedCluster> StartPeersAsync(IReadOnlyList<PeerShareOptions> peers)
    {
        var cluster = await EmbeddedCluster.StartAsync(peers.Count, configureSilo: (i, silo) => silo.AddP2PPeers([peers[i]]));
        var tracker = cluster.Client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await tracker.GetPeers()).Peers.Count < peers.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the peers did not register with the tracker");
            await Task.Delay(100);
        }

        return cluster;
    }

    private static IPeerGrain Peer(IClusterClient client, string name)
    {
        var list = client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey).GetPeers().GetAwaiter().GetResult();
        return client.GetGrain<IPeerGrain>(list.Peers.Single(p => p.Name == name).GrainKey);
    }

    private static async Task<P2PDownloadStatus> WaitAsync(IPeerGrain peer, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await peer.GetDownload(path);
            if (status is { State: not P2PDownloadState.Running })
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, "the download did not finish");
            await Task.Delay(50);
        }
    }

    private sealed class Observer : IPeerListObserver
    {
        private readonly List<PeerList> _lists = [];

        public Task PeersChanged(PeerList peers)
        {
            lock (_lists)
            {
                _lists.Add(peers);
            }

            return Task.CompletedTask;
        }

        public async Task<PeerList> WaitAsync(Func<PeerList, bool> match, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (_lists)
                {
                    if (_lists.FirstOrDefault(match) is { } found)
                    {
                        return found;
                    }
                }

                await Task.Delay(50);
            }

            throw new TimeoutException("no such push arrived");
        }
    }
}
