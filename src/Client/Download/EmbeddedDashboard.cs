using OrleansDist.Telemetry;

namespace OrleansDist.Client.Download;

/// <summary>
/// The viewer that comes up with an embedded run: a standalone Aspire dashboard process on 127.0.0.1 (traces, structured
/// logs, metrics), and this process's spans and metrics (client, the in-process silos, the protocol) exported to it over
/// OTLP/gRPC. Disposing flushes what is queued (bounded) and stops the dashboard.
/// </summary>
internal sealed class EmbeddedDashboard : IAsyncDisposable
{
    /// <summary>The <c>service.name</c> of an embedded run (one process: client, silos and line server).</summary>
    public const string ServiceName = "orleansdist-embedded";

    private readonly AspireDashboardProcess _dashboard;
    private readonly IDisposable? _telemetry;

    private EmbeddedDashboard(AspireDashboardProcess dashboard, IDisposable? telemetry, TelemetrySettings settings)
    {
        _dashboard = dashboard;
        _telemetry = telemetry;
        Telemetry = settings;
    }

    public Uri BaseUri => _dashboard.UiUri;

    /// <summary>What the embedded silos and client add to their logging.</summary>
    public TelemetrySettings Telemetry { get; }

    public AspireDashboardProcess Process => _dashboard;

    /// <summary>
    /// Starts the Aspire dashboard (UI on <paramref name="port"/>, OTLP on 4317/4318; free ports when taken, said on
    /// <paramref name="log"/>) and the export to it. <see cref="Describe"/> is the line announcing it.
    /// </summary>
    public static async Task<EmbeddedDashboard> StartAsync(int port, TextWriter log, CancellationToken cancellationToken)
    {
        var dashboard = await AspireDashboardProcess.StartAsync(log, uiPort: port, cancellationToken: cancellationToken);
        var settings = new TelemetrySettings { ServiceName = ServiceName, OtlpEndpoint = dashboard.OtlpGrpcEndpoint };
        var telemetry = OrleansDistTelemetry.StartProcessTelemetry(settings);
        return new EmbeddedDashboard(dashboard, telemetry, settings);
    }

    /// <summary>The line that tells the user where to look.</summary>
    public string Describe() =>
        $"Aspire dashboard: {_dashboard.UiUri} (traces, logs, metrics; every download is one trace; OTLP at {_dashboard.OtlpGrpcEndpoint})";

    public async ValueTask DisposeAsync()
    {
        _telemetry?.Dispose();
        await _dashboard.DisposeAsync();
    }
}
