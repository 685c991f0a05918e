using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dist.GrainInterfaces.P2P;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.P2P;

/// <summary>
/// P2P across real processes: one silo process per peer (<c>--peer NAME --share DIR --upload-rate R</c>), SQLite
/// membership, and the real <c>orleansdist p2p get --cluster</c>. A source's silo, then the downloading peer's silo, is
/// killed with SIGKILL mid-transfer.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class P2PKillTests(ITestOutputHelper output)
{
    private const long Size = 16L << 20;
    private const string Chunk = "256KiB";
    private const string Path = "data/f.bin";

    [Fact]
    public async Task Kill9OfASourceMidTransferTheDownloadCompletesIdenticalAndTheTrackerDropsIt()
    {
        await using var peers = await Peers.StartAsync("source-kill", ["alice", "carol", "dave", "bob"], "1MiB/s");
        var sha = await peers.GenerateAsync(["alice", "carol", "dave"], Size, seed: 11);
        await using var watch = ProgramProcess.Start(SiloProcess.ClientDll, ["p2p", "peers", "--watch", "--for", "60", "--cluster", .. peers.ClientArgs]);
        await watch.WaitForLineAsync(l => l.Contains("4 live", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await using var get = ProgramProcess.Start(SiloProcess.ClientDll,
            ["p2p", "get", Path, "--peer", "bob", "--chunk", Chunk, "--parallel", "6", "--cluster", .. peers.ClientArgs]);
        var progress = await get.WaitForLineAsync(l => PercentDone(l) >= 15, TimeSpan.FromSeconds(60));
        var carol = peers.Silo("carol");
        Report.Measured(output, $"[p2p] killing carol's silo {carol} at: {progress.Trim()}");
        var killed = Stopwatch.StartNew();
        carol.Kill();

        // "-carol (no heartbeat for 3 s)"; or, when the tracker itself lived on carol's silo, a list rebuilt by the
        // heartbeats of a new tracker activation, without her
        var dropped = await watch.WaitForLineAsync(l => l.Contains("3 live:", StringComparison.Ordinal) && !l.Contains("carol@", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var dropSeconds = killed.Elapsed.TotalSeconds;
        Report.Measured(output, $"[p2p] `p2p peers --watch` showed carol dropped {dropSeconds:0.0} s after the kill: {dropped.Trim()}");
        Assert.DoesNotContain("carol@", dropped, StringComparison.Ordinal);
        // heartbeats every 1 s, dropped after 3 s of silence; the rest is the expiry check and a loaded machine
        Assert.True(dropSeconds < 8, $"carol dropped {dropSeconds:0.0} s after the kill");

        var exit = await get.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(get.Output);
        Assert.True(exit == 0, $"p2p get exit code {exit}:\n{get.Output}");
        Assert.Contains($"SHA-256 {sha} verified", get.Output, StringComparison.Ordinal);
        // the summary's row for carol names why she was dropped ("-" = still in use at the end)
        var carolRow = get.Output.Split('\n').First(l => l.TrimStart().StartsWith("carol", StringComparison.Ordinal) && l.Contains('|', StringComparison.Ordinal));
        Assert.DoesNotMatch(@"\|\s*-\s*$", carolRow);
        Assert.Equal(sha, await Sha256Async(peers.ShareFile("bob")));
    }

    [Fact]
    public async Task Kill9OfTheDownloadingPeersSiloAndARestartResumesFromTheVerifiedChunks()
    {
        await using var peers = await Peers.StartAsync("downloader-kill", ["alice", "carol", "bob"], "1MiB/s");
        var sha = await peers.GenerateAsync(["alice", "carol"], Size, seed: 12);
        await using var get = ProgramProcess.Start(SiloProcess.ClientDll,
            ["p2p", "get", Path, "--peer", "bob", "--chunk", Chunk, "--parallel", "6", "--wait", "60", "--cluster", .. peers.ClientArgs]);
        var progress = await get.WaitForLineAsync(l => PercentDone(l) >= 30, TimeSpan.FromSeconds(60));
        Report.Measured(output, $"[p2p] killing bob's silo at: {progress.Trim()}");
        peers.Silo("bob").Kill();
        await get.WaitForLineAsync(l => l.Contains("peer bob does not answer", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await peers.RestartAsync("bob");

        var exit = await get.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(get.Output);
        Assert.True(exit == 0, $"p2p get exit code {exit}:\n{get.Output}");
        var done = ResumeSummary().Match(get.Output);
        Assert.True(done.Success, get.Output);
        var fetched = long.Parse(done.Groups["fetched"].Value, CultureInfo.InvariantCulture);
        var kept = int.Parse(done.Groups["kept"].Value, CultureInfo.InvariantCulture);
        Report.Measured(output, $"[p2p] after the restart: {kept} of 64 chunks kept, {fetched} of {Size} bytes fetched again");
        Assert.True(kept >= 10, $"only {kept} chunks kept");
        Assert.True(fetched < Size, $"fetched {fetched} bytes after the restart, the whole file is {Size}");
        Assert.Contains($"SHA-256 {sha} verified", get.Output, StringComparison.Ordinal);
        Assert.Equal(sha, await Sha256Async(peers.ShareFile("bob")));
        Assert.False(File.Exists(peers.ShareFile("bob") + ".part"));
    }

    private static double PercentDone(string line)
    {
        var match = Percent().Match(line);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    private static async Task<string> Sha256Async(string file)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    [GeneratedRegex(@"chunks \(\s*([\d.]+)%\)")]
    private static partial Regex Percent();

    [GeneratedRegex(@"fetched (?<fetched>\d+) bytes in this attempt, (?<kept>\d+) of \d+ chunks kept")]
    private static partial Regex ResumeSummary();

    /// <summary>One silo process per peer, each named after its peer, sharing a folder of a temporary directory.</summary>
    private sealed class Peers : IAsyncDisposable
    {
        private readonly string _root;
        private readonly string _clusterId;
        private readonly TestDatabase _database;
        private readonly string _rate;
        private readonly Dictionary<string, SiloProcess> _silos = [];

        private Peers(string root, string clusterId, TestDatabase database, string rate)
        {
            _root = root;
            _clusterId = clusterId;
            _database = database;
            _rate = rate;
        }

        public string[] ClientArgs =>
            ["--cluster-id", _clusterId, .. _silos.Values.Where(s => !s.HasExited).SelectMany(s => new[] { "--gateway", $"127.0.0.1:{s.GatewayPort}" }), "--call-timeout", "10"];

        public static async Task<Peers> StartAsync(string test, IReadOnlyList<string> names, string rate)
        {
            var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleansdist-tests", $"p2p-{test}-{Guid.NewGuid():N}"[..40]);
            var peers = new Peers(root, $"p2p-{Guid.NewGuid():N}"[..16], await TestDatabase.CreateAsync(Databases.Sqlite, $"p2p-{test}"), rate);
            try
            {
                foreach (var name in names)
                {
                    peers._silos[name] = await peers.StartSiloAsync(name);
                }

                await using var client = await peers.ConnectAsync();
                var tracker = client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                while ((await ClusterClients.RetryAsync(() => tracker.GetPeers())).Peers.Count < names.Count)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the peers did not register with the tracker");
                    await Task.Delay(200);
                }
            }
            catch
            {
                await peers.DisposeAsync();
                throw;
            }

            return peers;
        }

        public SiloProcess Silo(string name) => _silos[name];

        public string ShareFile(string peer) => System.IO.Path.Combine(_root, peer, Path);

        /// <summary>The same pseudo-random file in each of these peers' shares; returns its SHA-256.</summary>
        public async Task<string> GenerateAsync(IReadOnlyList<string> names, long size, int seed)
        {
            await using var client = await ConnectAsync();
            var peers = await client.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey).GetPeers();
            var files = await Task.WhenAll(names.Select(n =>
                client.GetGrain<IPeerGrain>(peers.Peers.Single(p => p.Name == n).GrainKey).GenerateFile(Path, size, seed, 256 << 10)));
            Assert.Single(files.Select(f => f.Sha256).Distinct());
            return files[0].Sha256;
        }

        public async Task RestartAsync(string name)
        {
            await _silos[name].DisposeAsync();
            _silos[name] = await StartSiloAsync(name);
        }

        private Task<SiloProcess> StartSiloAsync(string name) =>
            SiloProcess.StartAsync(name, _database.Spec, _clusterId, fastMembership: true,
                ["--peer", name, "--share", System.IO.Path.Combine(_root, name), "--upload-rate", _rate]);

        private Task<TestClient> ConnectAsync() =>
            TestClient.ConnectAsync(_clusterId, [.. _silos.Values.Where(s => !s.HasExited).Select(s => s.Gateway)]);

        public async ValueTask DisposeAsync()
        {
            foreach (var silo in _silos.Values)
            {
                await silo.DisposeAsync();
            }

            await _database.DisposeAsync();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
