using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansDist.Dashboard;
using OrleansDist.Dashboard.Storage;
using OrleansDist.Hosting.Telemetry;

namespace OrleansDist.Client.Download;

/// <summary>
/// The trace viewer that comes up with an embedded run: an in-process dashboard, and an OpenTelemetry tracer provider
/// exporting this process's spans (client, the in-process silos, the protocol) to it over real OTLP/HTTP.
/// </summary>
internal sealed class EmbeddedDashboard : IAsyncDisposable
{
    public const string ServiceName = "orleansdist-embedded";

    private readonly TraceDashboardServer _server;
    private readonly TracerProvider _tracing;

    private EmbeddedDashboard(TraceDashboardServer server, TracerProvider tracing)
    {
        _server = server;
        _tracing = tracing;
    }

    public Uri BaseUri => _server.BaseUri;

    public TraceStore Store => _server.Store;

    /// <summary>Starts the dashboard on <paramref name="port"/> (any free port when it is taken) and the export to it.</summary>
    public static async Task<EmbeddedDashboard> StartAsync(int port, TextWriter log, CancellationToken cancellationToken)
    {
        TraceDashboardServer server;
        try
        {
            server = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = port, MaxSpansPerTrace = 100_000 }, cancellationToken: cancellationToken);
        }
        catch (IOException) when (port != 0)
        {
            server = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0, MaxSpansPerTrace = 100_000 }, cancellationToken: cancellationToken);
            await log.WriteLineAsync($"(port {port} is taken: the trace viewer uses {server.BaseUri.Port} instead)");
        }

        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(ServiceName))
            .AddSource(OrleansDistTracing.ApplicationSources)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o =>
            {
                o.Endpoint = server.OtlpTracesEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
            })
            .Build();
        await log.WriteLineAsync($"Trace viewer: {server.BaseUri} (every download is one trace)");
        return new EmbeddedDashboard(server, tracing);
    }

    /// <summary>Sends the spans still buffered.</summary>
    public void Flush() => _tracing.ForceFlush(5000);

    public async ValueTask DisposeAsync()
    {
        _tracing.ForceFlush(5000);
        _tracing.Dispose();
        await _server.DisposeAsync();
    }
}
