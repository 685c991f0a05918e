using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary><c>orleansdist register write --if-version N</c> against a real silo process: compare-and-set from the command line.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class RegisterCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_write_with_a_stale_if_version_is_refused_with_exit_1_and_changes_nothing()
    {
        var clusterId = "cas-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "registercas");
        await using var silo = await SiloProcess.StartAsync("cas", db.Spec, clusterId, fastMembership: true);
        string[] Common() => ["--cluster-id", clusterId, "--gateway", $"127.0.0.1:{silo.GatewayPort}"];

        var first = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["register", "write", "11", "first", "--if-version", "0", .. Common()]);
        output.WriteLine($"first: exit {first.ExitCode}: {first.StdOut} {first.StdErr}");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("register 11: wrote \"first\" (version 1,", first.StdOut, StringComparison.Ordinal);

        // a retry built on version 0 (e.g. after a timeout): refused, exit 1, the error says what the register holds
        var stale = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["register", "write", "11", "stale", "--if-version", "0", .. Common()]);
        var error = stale.StdErr.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal));
        output.WriteLine($"stale: exit {stale.ExitCode}: {error}");
        Assert.Equal(1, stale.ExitCode);
        Assert.NotNull(error);
        Assert.Contains("register 11: not written: its version is 1, not 0 (it holds \"first\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", stale.StdOut, StringComparison.Ordinal);

        var read = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["register", "read", "11", "--json", .. Common()]);
        Assert.Equal(0, read.ExitCode);
        Assert.Contains("\"value\":\"first\",\"version\":1,", read.StdOut, StringComparison.Ordinal);

        var bad = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60), ["register", "write", "11", "x", "--if-version", "-1", .. Common()]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error: --if-version must be 0 or more", bad.StdErr, StringComparison.Ordinal);
    }
}
