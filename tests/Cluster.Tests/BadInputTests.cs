using OrleansDist.Runtime.Membership;

namespace OrleansDist.Cluster.Tests;

/// <summary>What a user sees when a silo is started against a broken or missing database, or with bad options.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class BadInputTests
{
    [Fact]
    public async Task PostgresDownAtStartGivesClearErrorAndRetriesWithBackoff()
    {
        var port = SiloProcess.FreePort();
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(8),
            "--membership", $"postgres:Host=127.0.0.1;Port={port};Username=postgres;Password=secret;Database=nowhere",
            "--silo-port", SiloProcess.FreePort().ToString(), "--gateway-port", "0");

        Assert.True(result.TimedOut, "the silo should keep retrying, not exit:\n" + result.StdErr);
        var complaints = result.StdErr.Split('\n').Where(l => l.Contains("is unreachable", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(complaints);
        Assert.Contains($"127.0.0.1:{port}", complaints[0]);
        Assert.DoesNotContain("secret", result.StdErr + result.StdOut);

        // backoff: the log names each doubling, not every attempt (8 s of retrying gives about 5 lines)
        Assert.InRange(complaints.Count, 2, 8);
    }

    [Fact]
    public async Task CorruptSqliteFileStopsTheSiloNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleansdist-corrupt-{Guid.NewGuid():N}.db");
        var garbage = new byte[20_000];
        Random.Shared.NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage);
        try
        {
            var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30),
                "--membership", "sqlite:" + path, "--silo-port", SiloProcess.FreePort().ToString(), "--gateway-port", "0");
            Assert.False(result.TimedOut);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(path, result.StdErr);
            Assert.Contains("not a valid database", result.StdErr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnknownMembershipSchemeIsRejectedWithTheValidOnes()
    {
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30), "--membership", "redis:localhost");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown membership scheme 'redis'", result.StdErr);
        Assert.Contains("sqlite:<path>, postgres:<connection string>, localhost", result.StdErr);
    }

    [Fact]
    public async Task SecondSiloOnTheSamePortIsRefused()
    {
        var spec = Databases.MembershipSpec(Databases.Sqlite, "port");
        await using var first = await SiloProcess.StartAsync("first", spec, "port-" + Guid.NewGuid().ToString("N")[..8], fastMembership: true);
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30),
            "--membership", spec, "--silo-port", first.SiloPort.ToString(), "--gateway-port", "0");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{first.SiloPort}", result.StdErr);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task ClusterStatusShowsTheTableAndADeadSilo()
    {
        var clusterId = "status-" + Guid.NewGuid().ToString("N")[..8];
        var spec = Databases.MembershipSpec(Databases.Sqlite, "status");
        await using var silos = await SiloGroup.StartAsync(2, spec, clusterId, fastMembership: true, namePrefix: "st");
        silos.Processes[1].Kill();
        using (var table = (IDisposable)Databases.OpenTable(spec, clusterId))
        {
            await MembershipFailoverTests.WaitForStatusAsync((IMembershipTable)table, silos.Processes[1], SiloStatus.Dead, TimeSpan.FromSeconds(15));
        }

        var status = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "cluster", "status", "--membership", spec, "--cluster-id", clusterId);
        Assert.Equal(0, status.ExitCode);
        var lines = status.StdOut.Split('\n');
        Assert.Contains(lines, l => l.Contains("st0") && l.Contains("Active"));
        Assert.Contains(lines, l => l.Contains("st1") && l.Contains("Dead"));

        var hello = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "hello", "--name", "tester", "--membership", spec, "--cluster-id", clusterId);
        Assert.Equal(0, hello.ExitCode);
        Assert.Contains("st0", hello.StdOut);
    }

    [Theory]
    [InlineData("--fetchers 0", "--fetchers must be between 1 and")]
    [InlineData("--server nowhere", "--server 'nowhere' is not host:port")]
    [InlineData("--entry has space@team", "unrecognized")]
    [InlineData("--entry noteam", "must look like entryID@team")]
    [InlineData("--lines -5", "--lines must be between 1 and")]
    [InlineData("--source-address 300.1.1.1", "is not an IP address")]
    public async Task DownloadArgumentsAreCheckedBeforeAnythingStarts(string arguments, string message)
    {
        var result = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), ["download", .. arguments.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Embedded", result.StdOut);
    }

    [Fact]
    public async Task ExperimentFetcherListIsChecked()
    {
        var result = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "experiment", "download", "--fetchers", "1,x,3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("must be a comma-separated list of counts", result.StdErr);
    }
}
