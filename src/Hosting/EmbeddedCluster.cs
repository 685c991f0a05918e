using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using OrleansDist.Telemetry;

namespace OrleansDist.Hosting;

/// <summary>
/// A small Orleans cluster inside this process: each silo is its own host with real TCP endpoints on 127.0.0.1, joined by
/// development clustering (silo 0 is the primary and keeps the membership table), grain state in memory unless a database
/// is given, and a client connected to every gateway. What the experiments run on when no cluster is named. On request
/// every silo also serves the Orleans Dashboard on 127.0.0.1, each on its own port (like <c>OrleansDist.Silo</c>).
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;
    private readonly IHost _clientHost;
    private readonly Dictionary<IHost, Uri> _dashboards;

    private EmbeddedCluster(List<IHost> silos, IHost clientHost, string clusterId, Dictionary<IHost, Uri> dashboards)
    {
        _silos = silos;
        _clientHost = clientHost;
        _dashboards = dashboards;
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    public IClusterClient Client => _clientHost.Services.GetRequiredService<IClusterClient>();

    /// <summary>The silos still running, in start order.</summary>
    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>Name and silo address of each running silo, e.g. <c>silo0 (127.0.0.1:35311@91242913)</c>.</summary>
    public IEnumerable<(string Name, string Address)> Describe() =>
        _silos.Select(h => h.Services.GetRequiredService<ILocalSiloDetails>()).Select(d => (d.Name, d.SiloAddress.ToParsableString()));

    /// <summary>Name and Orleans Dashboard URL of each running silo that serves one (none unless asked for at start).</summary>
    public IReadOnlyList<(string Name, Uri Url)> OrleansDashboards =>
        [.. _silos.Where(_dashboards.ContainsKey).Select(h => (h.Services.GetRequiredService<ILocalSiloDetails>().Name, _dashboards[h]))];

    /// <param name="silos">How many silos.</param>
    /// <param name="configureLogging">Logging for the silos and the client (default: warnings and above to the console).</param>
    /// <param name="configureSilo">Anything more each silo needs, given its index.</param>
    /// <param name="telemetry">
    /// Log export of each silo (with its name as the resource's instance) and of the client; spans and metrics of the
    /// process belong to one process-wide provider (<see cref="OrleansDistTelemetry.StartProcessTelemetry"/>).
    /// </param>
    /// <param name="orleansDashboard">
    /// Every silo serves the Orleans Dashboard on 127.0.0.1: on its silo port + 1000 when that is free (as the silo program
    /// does), else on a free port (<see cref="OrleansDashboards"/> has the URLs). Off by default: tests need no web servers.
    /// </param>
    public static async Task<EmbeddedCluster> StartAsync(
        int silos,
        Action<ILoggingBuilder>? configureLogging = null,
        Action<int, ISiloBuilder>? configureSilo = null,
        ProviderSpec? storage = null,
        string clusterId = "embedded",
        TelemetrySettings? telemetry = null,
        bool orleansDashboard = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        configureLogging ??= DefaultLogging;
        var started = new List<IHost>();
        var dashboards = new Dictionary<IHost, Uri>();
        try
        {
            IPEndPoint? primary = null;
            var gateways = new List<IPEndPoint>();
            var ports = new HashSet<int>();
            for (var i = 0; i < silos; i++)
            {
                var siloPort = LocalPorts.Free(ports);
                var gatewayPort = LocalPorts.Free(ports);
                primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
                var options = new OrleansDistSiloOptions
                {
                    ClusterId = clusterId,
                    Name = $"silo{i}",
                    SiloPort = siloPort,
                    GatewayPort = gatewayPort,
                    Membership = new ProviderSpec("localhost", ""),
                    Primary = primary,
                    Storage = storage ?? new ProviderSpec("memory", ""),
                    FastMembership = true,
                };
                var index = i;
                // silo port + 1000 when free, as the silo program does
                var dashboardPort = orleansDashboard ? LocalPorts.PreferredOrFree(siloPort + 1000, ports) : 0;
                var builder = CreateSiloBuilder(dashboardPort);
                builder.Logging.ClearProviders();
                configureLogging(builder.Logging);
                if (dashboardPort != 0)
                {
                    // the dashboard's web server: its start-up banner and request lines are not the cluster's news
                    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
                }

                if (telemetry is not null)
                {
                    builder.Logging.AddOrleansDistLogExport(telemetry with { InstanceName = options.Name });
                }

                builder.UseOrleans(silo =>
                {
                    silo.UseOrleansDist(options);
                    if (orleansDashboard)
                    {
                        // on every silo: the dashboard's data comes from grains and profilers on every silo
                        silo.AddDashboard();
                    }

                    configureSilo?.Invoke(index, silo);
                });
                var host = Build(builder);
                await host.StartAsync(cancellationToken);
                started.Add(host);
                if (dashboardPort != 0)
                {
                    dashboards[host] = new Uri($"http://127.0.0.1:{dashboardPort}/");
                }

                gateways.Add(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            }

            var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            clientBuilder.Logging.ClearProviders();
            configureLogging(clientBuilder.Logging);
            if (telemetry is not null)
            {
                clientBuilder.Logging.AddOrleansDistLogExport(telemetry with { InstanceName = "client" });
            }

            clientBuilder.UseOrleansClient(client => client.UseOrleansDist(new OrleansDistClientOptions { ClusterId = clusterId, Gateways = gateways }));
            var clientHost = clientBuilder.Build();
            await clientHost.StartAsync(cancellationToken);
            return new EmbeddedCluster(started, clientHost, clusterId, dashboards);
        }
        catch
        {
            foreach (var host in started)
            {
                await StopQuietlyAsync(host);
            }

            throw;
        }
    }

    /// <summary>Stops silo <paramref name="index"/> abruptly (cancelled stop: no graceful hand-over of its grains).</summary>
    public async Task StopSiloAsync(int index, bool graceful = false)
    {
        var host = _silos[index];
        _silos.RemoveAt(index);
        using var cancelled = new CancellationTokenSource();
        if (!graceful)
        {
            await cancelled.CancelAsync();
        }

        try
        {
            await host.StopAsync(cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // an abrupt stop is what was asked for
        }

        host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopQuietlyAsync(_clientHost);
        // the primary last: the others need its membership table to leave cleanly
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            await StopQuietlyAsync(_silos[i]);
        }

        _silos.Clear();
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
        {
            // stopping anyway
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>Warnings and above, without Orleans' start-up advice (server GC) and its watchdog's first-tick noise.</summary>
    public static void DefaultLogging(ILoggingBuilder logging) =>
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Warning)
        .AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
        .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);

    private static IHostApplicationBuilder CreateSiloBuilder(int dashboardPort)
    {
        if (dashboardPort == 0)
        {
            return Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        }

        var web = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        web.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, dashboardPort));
        return web;
    }

    private static IHost Build(IHostApplicationBuilder builder)
    {
        if (builder is WebApplicationBuilder web)
        {
            var app = web.Build();
            app.MapOrleansDashboard();
            return app;
        }

        return ((HostApplicationBuilder)builder).Build();
    }

}
