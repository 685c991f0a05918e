using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansDist.Telemetry;

/// <summary>
/// OrleansDist's "service defaults" for telemetry, called by every process (silo, client, line server, benchmark):
/// traces of Orleans' grain calls (<c>Microsoft.Orleans.Application</c>; the silo and client builders add
/// <c>AddActivityPropagation()</c>) and of our protocols (<c>OrleansDist.*</c>), Orleans' runtime calls on request,
/// metrics (the <c>Microsoft.Orleans</c> meter, ours and the .NET runtime's) and logs, exported over OTLP when the
/// standard <c>OTEL_*</c> variables ask for it (or to an embedded Aspire dashboard), spans also to a JSON-lines file on request.
/// Export is fire-and-forget: batches leave on a background thread from bounded queues (full queues drop, a dead
/// collector costs a refused connection per batch), so a missing or dying viewer never slows the work.
/// </summary>
public static class OrleansDistTelemetry
{
    /// <summary>Spans the command-line client opens for the protocols it drives (a download, an experiment).</summary>
    public const string ClientSourceName = "OrleansDist.Client";

    /// <summary>Orleans' grain-call spans (Client span on the caller, Server span on the callee).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' own system calls: membership probes, directory, ...</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    /// <summary>Orleans' meter (about 90 instruments on a silo: messaging, activations, grain calls, ...).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Resource attribute naming the silo a span, metric or log record comes from.</summary>
    public const string SiloNameAttribute = "orleans.silo.name";

    public static readonly string[] ApplicationSources = [OrleansApplicationSource, "OrleansDist.*", ClientSourceName];

    public static readonly string[] Meters = [OrleansMeter, "OrleansDist.*", "System.Runtime"];

    // bounded everywhere: at most this many spans / log records wait for export; more are dropped, never awaited
    private const int MaxQueueSize = 8192;
    private const int ExportBatchSize = 512;
    private const int ExportDelayMs = 1000;
    private const int ExportTimeoutMs = 5000;

    /// <summary>
    /// Telemetry for a host that is the only Orleans node of its process (the silo program): traces, metrics and logs
    /// with the host's resource, started and stopped with the host.
    /// </summary>
    public static IHostApplicationBuilder AddOrleansDistTelemetry(this IHostApplicationBuilder builder, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.ExportsOtlp && settings.TraceFile is null)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => ConfigureResource(r, settings))
            .WithTracing(t => ConfigureTracing(t, settings));
        if (settings.ExportsOtlp)
        {
            otel.WithMetrics(m => ConfigureMetrics(m, settings))
                .WithLogging(l => AddLogExporter(l, settings), ConfigureLogOptions);
        }

        return builder;
    }

    /// <summary>
    /// Traces and metrics for a whole process that holds several hosts (the client program with its embedded silos, the
    /// benchmark): one tracer and one meter provider per process, since every provider hears every span and instrument of
    /// the process. Logs stay per host (<see cref="AddOrleansDistLogExport"/>). Null when nothing is exported: no listener, no cost.
    /// </summary>
    public static IDisposable? StartProcessTelemetry(TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.ExportsOtlp && settings.TraceFile is null)
        {
            return null;
        }

        var resource = ConfigureResource(ResourceBuilder.CreateEmpty(), settings);
        var tracing = ConfigureTracing(Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource), settings).Build();
        MeterProvider? metrics = null;
        if (settings.ExportsOtlp)
        {
            metrics = ConfigureMetrics(Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource), settings).Build();
        }

        return new Providers(tracing, metrics);
    }

    /// <summary>Log records of one host, with its resource (e.g. which silo) and the current trace and span ids, over OTLP when exported.</summary>
    public static ILoggingBuilder AddOrleansDistLogExport(this ILoggingBuilder logging, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ExportsOtlp)
        {
            logging.AddOpenTelemetry(o =>
            {
                ConfigureLogOptions(o);
                o.SetResourceBuilder(ConfigureResource(ResourceBuilder.CreateEmpty(), settings));
                o.AddOtlpExporter((exporter, processor) => ConfigureLogExport(exporter, processor, settings));
            });

            // our own news (a fetcher connected, stopped, retried) reaches the viewer even when the console shows warnings only
            logging.AddFilter<OpenTelemetryLoggerProvider>("OrleansDist", LogLevel.Information);
        }

        return logging;
    }

    private static ResourceBuilder ConfigureResource(ResourceBuilder resource, TelemetrySettings settings)
    {
        var name = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } fromEnvironment ? fromEnvironment : settings.ServiceName;
        resource.AddEnvironmentVariableDetector()
            .AddService(name, serviceInstanceId: settings.InstanceName ?? $"{Environment.MachineName}-{Environment.ProcessId}");
        if (settings.InstanceName is { } silo)
        {
            resource.AddAttributes([new KeyValuePair<string, object>(SiloNameAttribute, silo)]);
        }

        return resource;
    }

    private static TracerProviderBuilder ConfigureTracing(TracerProviderBuilder tracing, TelemetrySettings settings)
    {
        tracing.AddSource(ApplicationSources);

        // OTEL_TRACES_SAMPLER (always_on, traceidratio, parentbased_*, ...) is read by the SDK itself; without it, every span
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_TRACES_SAMPLER")))
        {
            tracing.SetSampler(new AlwaysOnSampler());
        }

        // membership probes and directory calls are many and rarely interesting: only on request
        if (settings.TraceRuntime || Environment.GetEnvironmentVariable("ORLEANSDIST_TRACE_RUNTIME") == "1")
        {
            tracing.AddSource(OrleansRuntimeSource);
        }

        if (settings.ExportsOtlp)
        {
            tracing.AddOtlpExporter(o =>
            {
                ConfigureExporter(o, settings);
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions.MaxQueueSize = MaxQueueSize;
                o.BatchExportProcessorOptions.MaxExportBatchSize = ExportBatchSize;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = ExportDelayMs;
                o.BatchExportProcessorOptions.ExporterTimeoutMilliseconds = ExportTimeoutMs;
            });
        }

        if (settings.TraceFile is { Length: > 0 } file)
        {
            tracing.AddProcessor(new BatchActivityExportProcessor(
                new JsonLinesActivityExporter(file, settings.InstanceName is { } silo ? $"{settings.ServiceName}-{silo}" : settings.ServiceName),
                maxQueueSize: MaxQueueSize,
                scheduledDelayMilliseconds: ExportDelayMs,
                maxExportBatchSize: ExportBatchSize));
        }

        return tracing;
    }

    private static MeterProviderBuilder ConfigureMetrics(MeterProviderBuilder metrics, TelemetrySettings settings) =>
        metrics.AddMeter(Meters).AddOtlpExporter((o, reader) =>
        {
            ConfigureExporter(o, settings);
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL")))
            {
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000;
            }
        });

    private static void ConfigureLogOptions(OpenTelemetryLoggerOptions logging)
    {
        logging.IncludeFormattedMessage = true;
        logging.IncludeScopes = true;
    }

    private static void AddLogExporter(LoggerProviderBuilder logging, TelemetrySettings settings) =>
        logging.AddOtlpExporter((exporter, processor) => ConfigureLogExport(exporter, processor, settings));

    private static void ConfigureLogExport(OtlpExporterOptions exporter, LogRecordExportProcessorOptions processor, TelemetrySettings settings)
    {
        ConfigureExporter(exporter, settings);
        processor.ExportProcessorType = ExportProcessorType.Batch;
        processor.BatchExportProcessorOptions.MaxQueueSize = MaxQueueSize;
        processor.BatchExportProcessorOptions.MaxExportBatchSize = ExportBatchSize;
        processor.BatchExportProcessorOptions.ScheduledDelayMilliseconds = ExportDelayMs;
        processor.BatchExportProcessorOptions.ExporterTimeoutMilliseconds = ExportTimeoutMs;
    }

    private static void ConfigureExporter(OtlpExporterOptions exporter, TelemetrySettings settings)
    {
        if (settings.OtlpEndpoint is { } endpoint)
        {
            exporter.Endpoint = endpoint;
            exporter.Protocol = OtlpExportProtocol.Grpc;
        }

        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TIMEOUT")))
        {
            exporter.TimeoutMilliseconds = ExportTimeoutMs;
        }
    }

    private sealed class Providers(TracerProvider tracing, MeterProvider? metrics) : IDisposable
    {
        public void Dispose()
        {
            // whatever is still queued gets one bounded chance to leave
            tracing.ForceFlush(ExportTimeoutMs);
            tracing.Dispose();
            metrics?.Dispose();
        }
    }

    /// <summary>The W3C trace id of the current span, if any (for messages pointing at a trace).</summary>
    public static string? CurrentTraceId => Activity.Current?.TraceId.ToHexString();
}
