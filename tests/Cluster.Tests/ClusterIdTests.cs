using System.Text.RegularExpressions;
using Dist.GrainInterfaces.Diagnostics;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>Clusters keep to themselves: a client or a silo with another cluster id is refused, even on the same database.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class ClusterIdTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AClientWithAnotherClusterIdIsRefusedAndNoCallGoesThrough()
    {
        var clusterId = "mine-" + Guid.NewGuid().ToString("N")[..8];
        var otherId = "theirs-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "clusterid");
        await using var silo = await SiloProcess.StartAsync("mine", db.Spec, clusterId, fastMembership: true);

        // the command-line client
        var intruder = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60),
            "register", "write", "5", "intruder", "--cluster-id", otherId, "--gateway", $"127.0.0.1:{silo.GatewayPort}");
        var error = intruder.StdErr.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal));
        output.WriteLine($"orleansdist with --cluster-id {otherId}: exit code {intruder.ExitCode}: {error}");
        Assert.False(intruder.TimedOut);
        Assert.Equal(1, intruder.ExitCode);
        Assert.NotNull(error);
        Assert.Contains($"127.0.0.1:{silo.GatewayPort}", error);
        Assert.DoesNotContain("wrote", intruder.StdOut);

        // the silo says why it closed those connections
        Assert.Contains($"Unexpected cluster id \"{otherId}\", expected \"{clusterId}\"", silo.Output);

        // and nothing was written
        await using var client = await TestClient.ConnectAsync(clusterId, silo.Gateway);
        var register = await client.GetGrain<IRegisterGrain>(5).Read();
        Assert.Null(register.Value);
        Assert.Equal(0, register.Version);
        Assert.False(silo.HasExited);

        // last, because it is the one that fails today: the refused client's error names the cause (the cluster ids
        // differ), not just "no gateway reachable", which sends a user looking for a network problem
        Assert.True(ClusterIdMention().IsMatch(error),
            $"the refusal works, but the client's error does not say that the cluster ids differ: {error}");
    }

    [GeneratedRegex("cluster.?id", RegexOptions.IgnoreCase)]
    private static partial Regex ClusterIdMention();

    /// <summary>On PostgreSQL, where clusters meet in practice: one database server shared by several deployments.</summary>
    [Fact]
    public async Task ASiloWithAnotherClusterIdOnTheSameDatabaseDoesNotJoin()
    {
        const string database = Databases.Postgres;
        var clusterId = "first-" + Guid.NewGuid().ToString("N")[..8];
        var otherId = "second-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(database, "twoclusters");
        await using var first = await SiloGroup.StartAsync(2, db.Spec, clusterId, fastMembership: true, namePrefix: "first");
        await using var stranger = await SiloProcess.StartAsync("stranger", db.Spec, otherId, fastMembership: true);

        await using (var table = await MembershipReader.OpenAsync(db, clusterId))
        {
            await table.WaitForAllActiveAsync(first.Processes, TimeSpan.FromSeconds(30));
            var rows = await table.ReadAsync();
            output.WriteLine($"{clusterId}: " + string.Join(", ", rows.Select(r => $"{r.SiloName}={r.Status}")));
            Assert.Equal(["first0", "first1"], rows.Select(r => r.SiloName).Order());
        }

        await using (var table = await MembershipReader.OpenAsync(db, otherId))
        {
            await table.WaitForStatusAsync(stranger, SiloStatus.Active, TimeSpan.FromSeconds(30));
            var rows = await table.ReadAsync();
            output.WriteLine($"{otherId}: " + string.Join(", ", rows.Select(r => $"{r.SiloName}={r.Status}")));
            Assert.Equal(["stranger"], rows.Select(r => r.SiloName));
        }

        // grains of the first cluster never run on the stranger, and the stranger's only on itself
        await using var client = await TestClient.ConnectAsync(clusterId, first.Gateways);
        var hosts = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            hosts.Add(SiloOf(await client.GetGrain<IHelloGrain>($"g{i}").SayHello("test")));
        }

        // which of the two hosts them is Orleans' placement's choice (it may put all 60 on one silo, as seen once)
        output.WriteLine("first cluster's grains on: " + string.Join(", ", hosts.Order()));
        Assert.Subset(new HashSet<string> { "first0", "first1" }, hosts);
        Assert.DoesNotContain("stranger", hosts);
        await using var strangersClient = await TestClient.ConnectAsync(otherId, stranger.Gateway);
        Assert.Equal("stranger", SiloOf(await strangersClient.GetGrain<IHelloGrain>("g0").SayHello("test")));
        Assert.False(stranger.HasExited || first.Processes.Any(p => p.HasExited));
    }

    private static string SiloOf(string hello) => hello.Split(" on silo ")[1].TrimEnd('.');
}
