using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.Dashboard.Hosting;
using OrleansDist.Dashboard.Logging;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard;

/// <summary>
/// The trace dashboard as a self-contained server: its own Kestrel web host serving the OTLP/HTTP receiver
/// (<c>POST /v1/traces</c>), the JSON API and the page. Start it in-process (a client program, a test) or through the
/// standalone program <c>OrleansDist.Dashboard</c>.
/// </summary>
/// <example>
/// <code>
/// await using var dashboard = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0 });
/// Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", dashboard.OtlpEndpoint.ToString());
/// </code>
/// </example>
public sealed class TraceDashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private int _stopped;

    private TraceDashboardServer(WebApplication app, Uri baseUri, TraceStore store, ILogger logger)
    {
        _app = app;
        _logger = logger;
        BaseUri = baseUri;
        Store = store;
    }

    /// <summary>Where the page is, e.g. <c>http://127.0.0.1:18888/</c>. A wildcard bind address is reported as loopback.</summary>
    public Uri BaseUri { get; }

    /// <summary>The OTLP/HTTP traces URL: <see cref="BaseUri"/> + <c>v1/traces</c> (an exporter's per-signal endpoint).</summary>
    public Uri OtlpTracesEndpoint => new(BaseUri, "v1/traces");

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (exporters append <c>/v1/traces</c> themselves).</summary>
    public Uri OtlpEndpoint => new(BaseUri.GetLeftPart(UriPartial.Authority));

    /// <summary>The received traces.</summary>
    public TraceStore Store { get; }

    /// <summary>Starts listening; returns once the port is bound.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    /// <exception cref="IOException">The address cannot be bound, e.g. the port is in use.</exception>
    public static async Task<TraceDashboardServer> StartAsync(TraceDashboardOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var settings = options.Clone(); // later changes to the caller's object must not reach a running server
        TraceDashboardOptions.TryParseBindAddress(settings.BindAddress, out var bindAddress);
        loggerFactory ??= NullLoggerFactory.Instance;

        // The empty builder reads no appsettings.json, environment variables or command line: embedded in another
        // program, the dashboard must not pick up that program's ASPNETCORE_URLS or Kestrel configuration.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(TraceDashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(bindAddress, settings.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.SetMinimumLevel(LogLevel.Trace); // the caller's factory applies its own levels
        builder.Logging.AddFilter("Microsoft", settings.FrameworkLogLevel);
        builder.Logging.AddFilter("System", settings.FrameworkLogLevel);
        builder.Services.AddTraceDashboard(o =>
        {
            o.Port = settings.Port;
            o.BindAddress = settings.BindAddress;
            o.MaxTraces = settings.MaxTraces;
            o.MaxSpansPerTrace = settings.MaxSpansPerTrace;
            o.MaxTotalSpans = settings.MaxTotalSpans;
            o.MaxRequestBytes = settings.MaxRequestBytes;
            o.FrameworkLogLevel = settings.FrameworkLogLevel;
        });

        var app = builder.Build();
        app.UseRouting();
        app.MapTraceDashboard();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException || ex.InnerException is SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"The trace dashboard cannot listen on {FormatEndpoint(bindAddress, settings.Port)}: {ex.Message}", ex);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var port = BoundPort(app) ?? settings.Port;
        var host = bindAddress.Equals(IPAddress.Any) ? IPAddress.Loopback : bindAddress.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : bindAddress;
        var baseUri = new Uri($"http://{FormatEndpoint(host, port)}/");
        var logger = loggerFactory.CreateLogger<TraceDashboardServer>();
        var server = new TraceDashboardServer(app, baseUri, app.Services.GetRequiredService<TraceStore>(), logger);
        logger.Listening(baseUri, server.OtlpTracesEndpoint);
        return server;
    }

    /// <summary>Stops listening; in-flight requests get until <paramref name="cancellationToken"/> fires to finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
            _logger.Stopped();
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static int? BoundPort(WebApplication app)
    {
        // With port 0 only the server knows the port the OS chose.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var address in addresses ?? [])
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        return null;
    }

    private static string FormatEndpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
