using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class PeerShareTests
{
    private const int Chunk = 64 << 10;

    [Fact]
    public void Add_records_the_whole_hash_and_each_chunk_hash()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes((2 * Chunk) + 100);
        temp.Write("f.bin", bytes);
        var share = NewShare(temp, out _);
        var manifest = share.Add("f.bin", Chunk);
        Assert.Equal(bytes.Length, manifest.Size);
        Assert.Equal(FileHashing.ChunkHash(bytes), manifest.Sha256);
        Assert.Equal(3, manifest.ChunkCount);
        Assert.Equal(FileHashing.ChunkHash(bytes.AsSpan(2 * Chunk)), manifest.ChunkHashes[2]);
        Assert.Equal(100, manifest.ChunkLength(2));
        Assert.Equal("f.bin", Assert.Single(share.List()).Path);
    }

    [Fact]
    public async Task A_chunk_read_returns_the_bytes()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(3 * Chunk);
        temp.Write("f.bin", bytes);
        var share = NewShare(temp, out _);
        share.Add("f.bin", Chunk);
        Assert.Equal(bytes.AsSpan(Chunk, Chunk).ToArray(), await share.ReadChunkAsync("f.bin", Chunk, Chunk));
        // the last chunk is cut at the end of the file
        Assert.Equal(10, (await share.ReadChunkAsync("f.bin", (3 * Chunk) - 10, Chunk)).Length);
    }

    [Theory]
    [InlineData(P2PLimits.MaxChunkSize + 1)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task An_oversized_or_empty_chunk_request_is_refused_and_logged(int length)
    {
        using var temp = new TempShare();
        temp.Write("f.bin", TempShare.RandomBytes(P2PLimits.MaxChunkSize + 10));
        var share = NewShare(temp, out var log);
        share.Add("f.bin", Chunk);
        var refused = await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("f.bin", 0, length));
        Assert.Contains("chunk of", refused.Message, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Contains("refused read", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../outside/secret.txt")]
    [InlineData("/etc/hostname")]
    public async Task Traversal_is_refused_and_logged(string path)
    {
        using var temp = new TempShare();
        temp.Write("secret.txt", [1, 2, 3], outside: true);
        var share = NewShare(temp, out var log);
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync(path, 0, 3));
        Assert.Throws<PeerRequestRefusedException>(() => share.Add(path, Chunk));
        Assert.Contains(log.Lines, l => l.Contains("refused", StringComparison.Ordinal) && l.Contains(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shared_file_swapped_for_a_symlink_out_of_the_share_is_not_read()
    {
        using var temp = new TempShare();
        var file = temp.Write("f.bin", TempShare.RandomBytes(100));
        var secret = temp.Write("secret.txt", TempShare.RandomBytes(100, seed: 9), outside: true);
        var share = NewShare(temp, out var log);
        share.Add("f.bin", Chunk);
        File.Delete(file);
        File.CreateSymbolicLink(file, secret);
        var refused = await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("f.bin", 0, 100));
        Assert.Contains("symlink", refused.Message, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Contains("symlink", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Adding_a_symlink_out_of_the_share_is_refused()
    {
        using var temp = new TempShare();
        var secret = temp.Write("secret.txt", [1], outside: true);
        File.CreateSymbolicLink(Path.Combine(temp.Share, "s.bin"), secret);
        var share = NewShare(temp, out _);
        Assert.Throws<PeerRequestRefusedException>(() => share.Add("s.bin", Chunk));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("s.bin", 0, 1));
        Assert.Empty(share.List());
    }

    [Fact]
    public async Task Files_not_shared_are_not_served_even_inside_the_share()
    {
        using var temp = new TempShare();
        temp.Write("private.bin", [1, 2, 3]);
        var share = NewShare(temp, out _);
        Assert.Contains("not shared", (await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("private.bin", 0, 3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_past_the_end_is_refused()
    {
        using var temp = new TempShare();
        temp.Write("f.bin", [1, 2, 3]);
        var share = NewShare(temp, out _);
        share.Add("f.bin", Chunk);
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("f.bin", 3, 1));
        await Assert.ThrowsAsync<PeerRequestRefusedException>(() => share.ReadChunkAsync("f.bin", -1, 1));
    }

    [Fact]
    public void A_manifest_for_another_chunk_size_is_computed_and_checked()
    {
        using var temp = new TempShare();
        var bytes = TempShare.RandomBytes(5 * Chunk);
        var file = temp.Write("f.bin", bytes);
        var share = NewShare(temp, out _);
        share.Add("f.bin", Chunk);
        var other = share.Manifest("f.bin", 2 * Chunk)!;
        Assert.Equal(3, other.ChunkCount);
        Assert.Equal(FileHashing.ChunkHash(bytes), other.Sha256);
        // the file changed since it was shared: its recorded hash no longer holds, so no manifest is made up
        bytes[0] ^= 1;
        File.WriteAllBytes(file, bytes);
        Assert.Throws<PeerRequestRefusedException>(() => share.Manifest("f.bin", 4 * Chunk));
        Assert.Null(share.Manifest("unknown.bin", Chunk));
    }

    [Fact]
    public void Generate_writes_the_same_bytes_for_the_same_seed()
    {
        using var temp = new TempShare();
        var share = NewShare(temp, out _);
        var a = share.Generate("a.bin", 300_000, 5, Chunk);
        var b = share.Generate("b.bin", 300_000, 5, Chunk);
        var c = share.Generate("c.bin", 300_000, 6, Chunk);
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.NotEqual(a.Sha256, c.Sha256);
        Assert.True(share.Remove("a.bin"));
        Assert.False(File.Exists(Path.Combine(temp.Share, "a.bin")));
        Assert.False(share.Remove("a.bin"));
    }

    internal static PeerShare NewShare(TempShare temp, out ListLogger log, long rate = 0, TimeProvider? time = null)
    {
        log = new ListLogger();
        return new PeerShare("alice", temp.Share, rate, time ?? TimeProvider.System, log);
    }

    internal sealed class ListLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
