using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;
using OrleansDist.Telemetry;
using OrleansDist.LineServer;

namespace OrleansDist.Client.Download;

/// <summary>
/// Where a download runs: a cluster (two in-process silos unless <c>--cluster</c>) and a line server (an in-process
/// emulator unless <c>--server</c>). Disposing stops whatever was started here.
/// </summary>
internal sealed class DownloadEnvironment : IAsyncDisposable
{
    private readonly EmbeddedCluster? _embeddedCluster;
    private readonly IAsyncDisposable? _externalClient;

    private DownloadEnvironment(
        IClusterClient client, string server, string clusterDescription, EmbeddedCluster? embeddedCluster, IAsyncDisposable? externalClient, LineServerHost? embeddedServer, EmbeddedDashboard? dashboard)
    {
        Dashboard = dashboard;
        Client = client;
        Server = server;
        ClusterDescription = clusterDescription;
        _embeddedCluster = embeddedCluster;
        _externalClient = externalClient;
        EmbeddedServer = embeddedServer;
    }

    public IClusterClient Client { get; }

    /// <summary>The line server's host:port as the silos reach it.</summary>
    public string Server { get; }

    public string ClusterDescription { get; }

    public LineServerHost? EmbeddedServer { get; }

    /// <summary>The Aspire dashboard started with an embedded cluster (null with --cluster or --no-dashboard).</summary>
    public EmbeddedDashboard? Dashboard { get; }

    /// <summary>The in-process cluster, when there is one (tests kill its silos).</summary>
    public EmbeddedCluster? EmbeddedCluster => _embeddedCluster;

    public static async Task<DownloadEnvironment> StartAsync(DownloadSettings settings, CommonOptions.Settings common, TextWriter log, CancellationToken cancellationToken)
    {
        LineServerHost? server = null;
        EmbeddedCluster? cluster = null;
        IAsyncDisposable? external = null;
        EmbeddedDashboard? dashboard = null;
        try
        {
            if (!settings.UseCluster && settings.Dashboard)
            {
                try
                {
                    dashboard = await EmbeddedDashboard.StartAsync(settings.DashboardPort, log, cancellationToken);
                }
                catch (AspireDashboardException ex)
                {
                    // the experiment does not need its viewer
                    await log.WriteLineAsync($"warning: no dashboard: {ex.Message}");
                }
            }

            var serverEndpoint = settings.Server;
            if (serverEndpoint is null)
            {
                server = new LineServerHost(new LineServerOptions
                {
                    Port = 0,
                    BindAddress = "127.0.0.1",
                    Lines = settings.Lines,
                    Rate = settings.Rate,
                });
                await server.StartAsync(cancellationToken);
                serverEndpoint = $"127.0.0.1:{server.EndPoint.Port}";
                await log.WriteLineAsync($"Embedded line server on {serverEndpoint}: {settings.Lines} lines, {settings.Rate:0.##} lines/s per session");
            }

            if (settings.UseCluster)
            {
                var connection = await ClusterAccess.ConnectAsync(common, cancellationToken);
                external = connection;
                var client = connection.Client;
                await log.WriteLineAsync($"Using the running cluster '{common.ClusterId}' ({common.MembershipDescription})");
                return new DownloadEnvironment(client, serverEndpoint, $"cluster {common.ClusterId}", null, external, server, null);
            }

            // --no-dashboard turns off both viewers: the Aspire dashboard and the silos' Orleans Dashboard
            cluster = await EmbeddedCluster.StartAsync(2, telemetry: dashboard?.Telemetry, orleansDashboard: settings.Dashboard, cancellationToken: cancellationToken);
            await log.WriteLineAsync($"Embedded cluster (Microsoft Orleans): {string.Join(", ", cluster.Describe().Select(s => $"{s.Name} ({s.Address})"))}");
            if (dashboard is not null)
            {
                await log.WriteLineAsync(dashboard.Describe());
            }

            if (DescribeOrleansDashboards(cluster) is { } orleansDashboards)
            {
                await log.WriteLineAsync($"Orleans Dashboard: {orleansDashboards} (membership, activations per grain type, call rates; live)");
            }
            return new DownloadEnvironment(cluster.Client, serverEndpoint, "embedded 2-silo cluster", cluster, null, server, dashboard);
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            if (external is not null)
            {
                await external.DisposeAsync();
            }

            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (dashboard is not null)
            {
                await dashboard.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_externalClient is not null)
        {
            await _externalClient.DisposeAsync();
        }

        if (_embeddedCluster is not null)
        {
            await _embeddedCluster.DisposeAsync();
        }

        if (EmbeddedServer is not null)
        {
            await EmbeddedServer.DisposeAsync();
        }

        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
    }

    /// <summary><c>silo0 http://127.0.0.1:41000/, silo1 http://127.0.0.1:42000/</c>, or null when no silo serves one.</summary>
    private static string? DescribeOrleansDashboards(EmbeddedCluster cluster) =>
        cluster.OrleansDashboards is { Count: > 0 } urls ? string.Join(", ", urls.Select(d => $"{d.Name} {d.Url}")) : null;

    /// <summary>With --keep-dashboard: keeps the Aspire dashboard (and the silos with their Orleans Dashboard) up until Ctrl+C.</summary>
    public async Task KeepDashboardAsync(DownloadSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        if (Dashboard is null || !settings.KeepDashboard)
        {
            return;
        }

        var orleansDashboards = _embeddedCluster is null ? null : DescribeOrleansDashboards(_embeddedCluster);
        await log.WriteLineAsync($"Aspire dashboard still at {Dashboard.BaseUri}{(orleansDashboards is null ? "" : $", Orleans Dashboard at {orleansDashboards}")}; Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the normal way out
        }
    }
}
