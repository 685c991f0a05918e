namespace OrleansDist.Cluster.Tests.Clocks;

/// <summary>The clock commands refuse bad arguments with exit code 2 and a message naming the problem, before starting anything.</summary>
public sealed class ClockBadInputTests
{
    [Theory]
    [InlineData("--skew KMC=abc", "error: --skew KMC: 'abc' is not a duration")]
    [InlineData("--skew IIT=+1s", "error: --skew: unknown clock 'IIT' (the clocks are KMC, MIT, TAPMI, SOLS")]
    [InlineData("--clocks KMC,MIT --liar SOLS=+1h", "error: --liar: unknown clock 'SOLS' (the clocks are KMC, MIT")]
    [InlineData("--drift TAPMI=fast", "error: --drift TAPMI: 'fast' is not a drift in ppm")]
    [InlineData("--period -1s", "error: --period must be positive, got '-1s'")]
    [InlineData("--period 0s", "error: --period must be positive")]
    [InlineData("--threshold -5ms", "error: --threshold must not be negative")]
    [InlineData("--rounds 0", "error: --rounds must be between 1 and 10000")]
    public async Task Berkeley_RefusesBadArguments(string arguments, string message)
    {
        var (exitCode, _, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["clock", "berkeley", .. arguments.Split(' ')]);

        Assert.False(timedOut);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }

    [Theory]
    [InlineData("cristian --server-skew 2.5", "error: --server-skew: '2.5' is not a duration")]
    [InlineData("cristian --samples 0", "error: --samples must be between 1 and 1000")]
    [InlineData("serve --period -2s", "error: --period must be positive")]
    [InlineData("serve --bind nowhere", "error: --bind 'nowhere' is not an IP address")]
    public async Task CristianAndServe_RefuseBadArguments(string arguments, string message)
    {
        var (exitCode, _, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["clock", .. arguments.Split(' ')]);

        Assert.False(timedOut);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }
}
