using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class ChunkDownloadTests
{
    private const int Chunk = 16 << 10;

    [Fact]
    public async Task Chunks_from_several_sources_make_the_identical_file()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes((20 * Chunk) + 123);
        var sources = new[] { new FakeSource("a", bytes), new FakeSource("b", bytes), new FakeSource("c", bytes) };
        var status = await Download(temp, bytes, sources);
        Assert.Equal(P2PDownloadState.Completed, status.State);
        Assert.Equal(bytes, File.ReadAllBytes(Target(temp)));
        Assert.Equal(21, status.Sources.Sum(s => s.Chunks));
        Assert.All(status.Sources, s => Assert.True(s.Chunks > 0, $"{s.Peer} sent nothing"));
        Assert.False(File.Exists(Target(temp) + ".part"));
        Assert.Empty(Directory.EnumerateFiles(StateDirectory(temp)));
    }

    [Fact]
    public async Task A_lying_source_is_dropped_its_corrupt_chunk_never_written_and_the_file_still_identical()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(20 * Chunk);
        // every byte flipped: whatever chunk the liar is asked for first, it is caught
        var corrupt = bytes.Select(b => (byte)~b).ToArray();
        var liar = new FakeSource("liar", corrupt) { Delay = TimeSpan.FromMilliseconds(2) };
        var status = await Download(temp, bytes, [liar, new FakeSource("honest", bytes) { Delay = TimeSpan.FromMilliseconds(2) }]);
        Assert.Equal(P2PDownloadState.Completed, status.State);
        Assert.Equal(bytes, File.ReadAllBytes(Target(temp)));
        var lie = status.Sources.Single(s => s.Peer == "liar");
        Assert.InRange(lie.HashMismatches, 1, 4);
        Assert.Equal(0, lie.Chunks);
        Assert.Contains("SHA-256", lie.DroppedBecause, StringComparison.Ordinal);
        // dropped at its first lie: only the requests already in flight then reached it
        Assert.InRange(liar.Served.Count, 1, 4);
        Assert.Equal(20, status.Sources.Single(s => s.Peer == "honest").Chunks);
    }

    [Fact]
    public async Task A_corrupt_chunk_from_the_only_source_leaves_the_file_unwritten()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(4 * Chunk);
        var corrupt = (byte[])bytes.Clone();
        corrupt[Chunk] ^= 1;
        var status = await Download(temp, bytes, [new FakeSource("liar", corrupt)], parallel: 1);
        Assert.Equal(P2PDownloadState.Failed, status.State);
        Assert.Contains("no source left", status.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Target(temp)));
        var part = File.ReadAllBytes(Target(temp) + ".part");
        // chunk 0 verified and written; chunk 1 (corrupt) was not: still zeros
        Assert.Equal(bytes.AsSpan(0, Chunk).ToArray(), part.AsSpan(0, Chunk).ToArray());
        Assert.All(part.AsSpan(Chunk, Chunk).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task A_dead_source_is_dropped_and_its_chunks_come_from_the_others()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(30 * Chunk);
        // both take a moment per chunk, so that the scheduler keeps both busy: with instant sources it could take all 30
        // chunks from "alive" before "dying" was asked a fourth time, and then nothing died (seen once in a full run)
        var dying = new FakeSource("dying", bytes) { FailAfter = 3, Failure = () => new SiloUnavailableException("silo gone"), Delay = TimeSpan.FromMilliseconds(5) };
        var status = await Download(temp, bytes, [dying, new FakeSource("alive", bytes) { Delay = TimeSpan.FromMilliseconds(5) }]);
        Assert.Equal(P2PDownloadState.Completed, status.State);
        Assert.Equal(bytes, File.ReadAllBytes(Target(temp)));
        Assert.NotNull(status.Sources.Single(s => s.Peer == "dying").DroppedBecause);
        Assert.Equal(3, dying.Served.Count); // asked at least four times: three served, then it failed
    }

    [Fact]
    public async Task An_interrupted_download_resumes_from_its_verified_chunks_and_rechecks_them()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(10 * Chunk);
        var first = await Download(temp, bytes, [new FakeSource("flaky", bytes) { FailAfter = 4, Failure = () => new SiloUnavailableException("gone") }], parallel: 1);
        Assert.Equal(P2PDownloadState.Failed, first.State);
        Assert.Equal(4, first.VerifiedChunks);

        // damage one kept chunk on disk: the resume must notice and fetch it again
        using (var part = new FileStream(Target(temp) + ".part", FileMode.Open))
        {
            part.Position = Chunk + 1;
            part.WriteByte(0x5a);
        }

        var good = new FakeSource("good", bytes);
        var second = await Download(temp, bytes, [good]);
        Assert.Equal(P2PDownloadState.Completed, second.State);
        Assert.Equal(3, second.ResumedChunks);
        Assert.Equal(7L * Chunk, second.FetchedBytes);
        Assert.Equal(7, good.Served.Count);
        Assert.Equal(bytes, File.ReadAllBytes(Target(temp)));
    }

    [Fact]
    public async Task Restart_ignores_the_kept_chunks()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(6 * Chunk);
        await Download(temp, bytes, [new FakeSource("flaky", bytes) { FailAfter = 2, Failure = () => new SiloUnavailableException("gone") }], parallel: 1);
        var again = await Download(temp, bytes, [new FakeSource("good", bytes)], restart: true);
        Assert.Equal(0, again.ResumedChunks);
        Assert.Equal(bytes.Length, again.FetchedBytes);
    }

    [Fact]
    public async Task An_existing_target_is_not_overwritten()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(Chunk);
        File.WriteAllBytes(Target(temp), [1, 2, 3]);
        var status = await Download(temp, bytes, [new FakeSource("a", bytes)]);
        Assert.Equal(P2PDownloadState.Failed, status.State);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Target(temp)));
    }

    private static async Task<P2PDownloadStatus> Download(TempShare temp, byte[] bytes, IReadOnlyList<IChunkSource> sources, int parallel = 4, bool restart = false)
    {
        var path = Path.Combine(temp.Outside, "expected.bin");
        File.WriteAllBytes(path, bytes);
        var manifest = FileHashing.Manifest(path, "f.bin", Chunk);
        var download = new ChunkDownload(
            new ChunkDownloadPlan
            {
                Downloader = "test",
                Manifest = manifest,
                Sources = sources,
                TargetPath = Target(temp),
                StateDirectory = StateDirectory(temp),
                Parallel = parallel,
                Restart = restart,
                ChunkTimeout = TimeSpan.FromSeconds(5),
            },
            TimeProvider.System,
            NullLogger.Instance);
        return await download.RunAsync(CancellationToken.None);
    }

    private static string Target(TempShare temp) => Path.Combine(temp.Share, "f.bin");

    private static string StateDirectory(TempShare temp) => Path.Combine(temp.Share, ".p2p", "downloads");

    private sealed class FakeSource(string peer, byte[] content) : IChunkSource
    {
        private int _calls;

        public string Peer => peer;

        public TimeSpan Delay { get; init; }

        /// <summary>Calls answered before every further call fails.</summary>
        public int FailAfter { get; init; } = int.MaxValue;

        public Func<Exception> Failure { get; init; } = () => new TimeoutException();

        public List<long> Served { get; } = [];

        public async Task<byte[]> ReadChunkAsync(string path, long offset, int length, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) > FailAfter)
            {
                throw Failure();
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            lock (Served)
            {
                Served.Add(offset);
            }

            return content.AsSpan((int)offset, (int)Math.Min(length, content.Length - offset)).ToArray();
        }
    }
}
