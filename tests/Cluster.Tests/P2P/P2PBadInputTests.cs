namespace OrleansDist.Cluster.Tests.P2P;

/// <summary>Bad p2p arguments to the client and the silo: exit code 2 and an error naming the problem, nothing started.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class P2PBadInputTests
{
    public static IEnumerable<object[]> ClientCases() =>
    [
        [new[] { "p2p", "get", "f.bin", "--share", "a=/tmp/x" }, "either --peer NAME"],
        [new[] { "p2p", "get", "../etc/passwd", "--to", "/tmp/x", "--share", "a=/tmp/x" }, "'..' is refused"],
        [new[] { "p2p", "get", "/etc/passwd", "--peer", "a", "--share", "a=/tmp/x" }, "absolute paths are refused"],
        [new[] { "p2p", "get", "f.bin", "--peer", "a", "--chunk", "5MiB", "--share", "a=/tmp/x" }, "--chunk '5MiB'"],
        [new[] { "p2p", "get", "f.bin", "--peer", "a", "--parallel", "0", "--share", "a=/tmp/x" }, "--parallel 0"],
        [new[] { "p2p", "ls", "--share", "no-equals-sign" }, "--share 'no-equals-sign'"],
        [new[] { "p2p", "ls", "--share", "a=/tmp/x", "--share", "a=/tmp/y" }, "names a peer twice"],
        [new[] { "p2p", "ls" }, "no peers"],
        [new[] { "p2p", "ls", "--cluster", "--share", "a=/tmp/x" }, "with --cluster"],
        [new[] { "experiment", "p2p", "--sources", "0,2" }, "--sources '0,2'"],
        [new[] { "experiment", "p2p", "--upload-rate", "fast" }, "--upload-rate 'fast'"],
        [new[] { "experiment", "p2p", "--cluster" }, "--downloader"],
    ];

    [Theory]
    [MemberData(nameof(ClientCases))]
    public async Task TheClientRefusesWithExitCode2(string[] args, string message)
    {
        var (exit, _, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), args);
        Assert.False(timedOut);
        Assert.Equal(2, exit);
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--peer", "alice" }, "--peer and --share go together")]
    [InlineData(new[] { "--share", "/tmp/x" }, "--peer and --share go together")]
    [InlineData(new[] { "--peer", "al/ice", "--share", "/tmp/x" }, "a peer name is")]
    [InlineData(new[] { "--peer", "alice", "--share", "/tmp/x", "--upload-rate", "fast" }, "--upload-rate")]
    [InlineData(new[] { "--peer", "alice", "--share", "/proc/version/x" }, "cannot use it as the shared folder")]
    public async Task TheSiloRefusesWithExitCode2(string[] args, string message)
    {
        var (exit, _, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(60), args);
        Assert.False(timedOut);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }
}
