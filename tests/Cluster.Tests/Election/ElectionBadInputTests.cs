namespace OrleansDist.Cluster.Tests.Election;

/// <summary>Bad arguments to <c>orleansdist election</c>: a clear message, exit code 2, and nothing started.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class ElectionBadInputTests
{
    [Theory]
    [InlineData("--crash 11 with 10 nodes", "there is no node 11; the nodes are 1..10", "election", "bully", "--nodes", "10", "--crash", "11")]
    [InlineData("--nodes 1", "--nodes 1 must be between 2 and 64 (an election needs at least two nodes)", "election", "ring", "--nodes", "1")]
    [InlineData("unknown algorithm", "unknown election algorithm 'paxos': expected bully or ring", "election", "paxos")]
    [InlineData("--kill-silo without --cluster", "--kill-silo kills a real silo process: it needs --cluster", "election", "bully", "--crash", "10", "--kill-silo")]
    [InlineData("--recover without --crash", "--recover 10 brings back a crashed node: give --crash 10 too", "election", "bully", "--recover", "10")]
    public async Task BadArgumentsExitWithCodeTwoAndSayWhy(string why, string message, params string[] args)
    {
        var (exitCode, stdout, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), args);

        Assert.False(timedOut, why);
        Assert.True(exitCode == 2, $"{why}: exit code {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded cluster", stdout, StringComparison.Ordinal);
    }
}
