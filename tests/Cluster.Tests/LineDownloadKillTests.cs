using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dist.GrainInterfaces.LineDownload;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// The cooperative download across real processes: the line server emulator, three silos on one database (SQLite file or
/// PostgreSQL), and the <c>orleansdist download --cluster</c> client. Mid-download, the silo hosting the line collection,
/// or one hosting only a fetcher, is killed with SIGKILL.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class LineDownloadKillTests(ITestOutputHelper output)
{
    public const string CollectionsSilo = "collection";
    public const string FetchersSilo = "fetcher";

    public static IEnumerable<object[]> Cases() =>
        from database in new[] { Databases.Sqlite, Databases.Postgres }
        from victim in new[] { CollectionsSilo, FetchersSilo }
        select new object[] { database, victim };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DownloadSurvivesKill9OfASiloWithEveryLineCorrectAndNoneTwice(string database, string whose)
    {
        const int Lines = 300;
        var clusterId = $"download-{whose}-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(database, "download");
        // a small initial burst: the first progress lines come before most of the file is in, so the kill lands mid-way
        await using var server = ProgramProcess.Start(SiloProcess.LineServerDll, "--port", "0", "--bind", "127.0.0.1", "--lines", $"{Lines}", "--rate", "100", "--burst", "20");
        var ready = await server.WaitForLineAsync(l => l.StartsWith("LINE SERVER READY", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var endpoint = ready.Split("endpoint=")[1].Split(' ')[0];
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fastMembership: true);

        var json = Path.Combine(Path.GetTempPath(), $"download-{clusterId}.json");
        try
        {
            var gateways = silos.Processes.SelectMany(p => new[] { "--gateway", $"127.0.0.1:{p.GatewayPort}" });
            await using var client = ProgramProcess.Start(SiloProcess.ClientDll,
            [
                "download", "--cluster", "--cluster-id", clusterId, .. gateways, "--server", endpoint,
                "--fetchers", "3", "--lines", $"{Lines}", "--entry", "kill9@orleansdist", "--json", json,
            ]);

            // a progress line past a third of the file names the collection's silo and each fetcher's: kill one of them
            var progress = await client.WaitForLineAsync(l => CollectedAtLeast(l, Lines / 3), TimeSpan.FromSeconds(60));
            var collectionSilo = CollectionSilo().Match(progress).Groups[1].Value;
            var fetcherSilos = FetcherSilo().Matches(progress).Select(m => m.Groups[1].Value).ToList();
            var victim = whose == CollectionsSilo
                ? silos.Processes.Single(p => p.Name == collectionSilo)
                : silos.Processes.First(p => p.Name != collectionSilo && fetcherSilos.Contains(p.Name));
            Report.Measured(output, $"[download] {database}: killing the {whose}'s silo {victim} at: {progress.Trim()}");
            victim.Kill();

            var exitCode = await client.WaitForExitAsync(TimeSpan.FromSeconds(120));
            output.WriteLine(client.Output);
            Assert.True(exitCode == 0, $"client exit code {exitCode}:\n{client.Output}");

            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = result.RootElement;
            Assert.True(root.GetProperty("succeeded").GetBoolean());
            Assert.Equal(Lines, root.GetProperty("submit").GetProperty("correct").GetInt32());
            Assert.Equal(0, root.GetProperty("submit").GetProperty("incorrect").GetInt32());
            Assert.NotEqual(victim.Name, root.GetProperty("collection_silo").GetString());
            // (a fetcher's silo kill may move the collection too: Orleans deactivates the activations whose directory entry the
            // dead silo held, and they come back elsewhere from storage)
            Assert.True(root.GetProperty("restarts").GetInt64() >= 1, "the fetcher on the killed silo should have been started again elsewhere");
            Assert.DoesNotContain(root.GetProperty("fetchers_detail").EnumerateArray(), f => f.GetProperty("silo").GetString() == victim.Name);

            // the collection (reloaded from the database on a surviving silo if it was the victim) took each line exactly once
            await using var cluster = await TestClient.ConnectAsync(clusterId, silos.Gateways);
            var collection = cluster.Client.GetGrain<ILineCollectionGrain>(root.GetProperty("download_id").GetString()!);
            var timeline = await ClusterClients.RetryAsync(() => collection.GetTimeline());
            Assert.Equal(Lines, timeline.Length);
            var status = await collection.GetStatus();
            Assert.Equal(Lines, status.Fetchers.Sum(f => f.NewLines));
            var lines = await collection.GetLines();
            Assert.Equal(Lines, lines.Select(l => l.Number).Distinct().Count());

            // and the server itself scored the submission: every line correct
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
            var session = server.StdOut.Split('\n').Where(l => l.StartsWith("SESSION ip=", StringComparison.Ordinal)).ToList();
            output.WriteLine(string.Join('\n', session));
            Assert.Matches($"SESSION ip=127.0.0.10 .*correct={Lines} incorrect=0", server.Output);
        }
        finally
        {
            File.Delete(json);
        }
    }

    private static bool CollectedAtLeast(string line, int lines)
    {
        var match = Collected().Match(line);
        return match.Success && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= lines
            && CollectionSilo().IsMatch(line) && FetcherSilo().Matches(line).Count > 0;
    }

    [GeneratedRegex(@"\s(\d+)/\d+ \(")]
    private static partial Regex Collected();

    [GeneratedRegex(@"collection@(\S+)")]
    private static partial Regex CollectionSilo();

    [GeneratedRegex(@"f\d+@([^:\s\]]+):")]
    private static partial Regex FetcherSilo();
}
