using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansDist.GrainInterfaces.LineDownload;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// The cooperative download across real processes: the line server emulator, three silos on one SQLite database, and
/// the <c>orleansdist download --cluster</c> client. The silo hosting the line collection is killed with SIGKILL mid-download.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class LineDownloadKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DownloadSurvivesKill9OfTheCollectionsSiloWithEveryLineCorrectAndNoneTwice()
    {
        const int Lines = 300;
        var clusterId = "download-" + Guid.NewGuid().ToString("N")[..8];
        var membership = Databases.MembershipSpec(Databases.Sqlite, "download");
        await using var server = ProgramProcess.Start(SiloProcess.LineServerDll, "--port", "0", "--bind", "127.0.0.1", "--lines", $"{Lines}", "--rate", "100");
        var ready = await server.WaitForLineAsync(l => l.StartsWith("LINE SERVER READY", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var endpoint = ready.Split("endpoint=")[1].Split(' ')[0];
        await using var silos = await SiloGroup.StartAsync(3, membership, clusterId, fastMembership: true);

        var json = Path.Combine(Path.GetTempPath(), $"download-{clusterId}.json");
        var gateways = silos.Processes.SelectMany(p => new[] { "--gateway", $"127.0.0.1:{p.GatewayPort}" });
        await using var client = ProgramProcess.Start(SiloProcess.ClientDll,
        [
            "download", "--cluster", "--cluster-id", clusterId, .. gateways, "--server", endpoint,
            "--fetchers", "3", "--lines", $"{Lines}", "--entry", "kill9@orleansdist", "--json", json,
        ]);

        // a progress line past a third of the file names the collection's silo: kill that process
        var progress = await client.WaitForLineAsync(l => CollectedAtLeast(l, Lines / 3), TimeSpan.FromSeconds(60));
        var collectionSilo = CollectionSilo().Match(progress).Groups[1].Value;
        var victim = silos.Processes.Single(p => p.Name == collectionSilo);
        output.WriteLine($"killing {victim} at: {progress.Trim()}");
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
        Assert.True(root.GetProperty("restarts").GetInt64() >= 1, "the fetcher on the killed silo should have been started again elsewhere");

        // the collection (reloaded from SQLite on a surviving silo) took each line exactly once
        await using var cluster = await ClusterClients.ConnectAsync(clusterId, silos.Gateways);
        var collection = cluster.GetGrain<ILineCollectionGrain>(root.GetProperty("download_id").GetString()!);
        var timeline = await ClusterClients.RetryAsync(() => collection.GetTimeline());
        Assert.Equal(Lines, timeline.Length);
        var status = await collection.GetStatus();
        Assert.Equal(Lines, status.Fetchers.Sum(f => f.NewLines));

        // and the server itself scored the submission: every line correct
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
        Assert.Matches($"SESSION ip=127.0.0.10 .*correct={Lines} incorrect=0", server.Output);
    }

    private static bool CollectedAtLeast(string line, int lines)
    {
        var match = Collected().Match(line);
        return match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= lines && CollectionSilo().IsMatch(line);
    }

    [GeneratedRegex(@"\s(\d+)/\d+ \(")]
    private static partial Regex Collected();

    [GeneratedRegex(@"collection@(\S+)")]
    private static partial Regex CollectionSilo();
}
