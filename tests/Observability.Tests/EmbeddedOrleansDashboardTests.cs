using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// The embedded cluster of <c>./run.sh</c> and the embedded experiments: on request every silo serves the Orleans
/// Dashboard on its own port, and any of them lists the whole cluster; off by default.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class EmbeddedOrleansDashboardTests
{
    [Fact]
    public async Task Every_embedded_silo_serves_an_Orleans_Dashboard_that_lists_every_silo()
    {
        await using var cluster = await EmbeddedCluster.StartAsync(
            2, configureLogging: logging => logging.SetMinimumLevel(LogLevel.Warning), clusterId: "embedded-dashboard-" + Guid.NewGuid().ToString("N")[..8], orleansDashboard: true);

        var dashboards = cluster.OrleansDashboards;
        Assert.Equal(["silo0", "silo1"], dashboards.Select(d => d.Name));
        Assert.Equal(2, dashboards.Select(d => d.Url.Port).Distinct().Count());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (_, url) in dashboards)
        {
            Assert.Equal("127.0.0.1", url.Host);
            Assert.Contains("<title>Orleans Dashboard</title>", await http.GetStringAsync(url), StringComparison.Ordinal);
        }

        // the second silo's page shows both silos (host:port, as the dashboard prints them)
        var silos = cluster.Describe().Select(s => s.Address.Split('@')[0]).ToList();
        var screenshot = Path.Combine(RepositoryPaths.Artifacts, "embedded-orleans-dashboard.png");
        var result = await Browser.RunAsync("orleans-dashboard.mjs", [dashboards[1].Url.ToString(), screenshot, .. silos]);
        Assert.True(result.ExitCode == 0, $"the browser check failed: {result}");
    }

    [Fact]
    public async Task Without_the_option_no_embedded_silo_serves_a_dashboard()
    {
        await using var cluster = await EmbeddedCluster.StartAsync(
            1, configureLogging: logging => logging.SetMinimumLevel(LogLevel.Warning), clusterId: "embedded-no-dashboard-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Empty(cluster.OrleansDashboards);
    }
}
