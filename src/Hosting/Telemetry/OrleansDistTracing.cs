using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansDist.Hosting.Telemetry;

/// <summary>
/// Tracing for the silo and client programs: spans go to an OTLP collector when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set (<c>OTEL_SERVICE_NAME</c> and the other OTEL_* variables apply), and/or
/// to a JSON-lines file. Orleans' grain calls (source <c>Microsoft.Orleans.Application</c>, which needs
/// <c>AddActivityPropagation()</c> on the silo and client builders) and our protocol sources (<c>OrleansDist.*</c>) are
/// traced; Orleans' runtime calls too when <c>ORLEANSDIST_TRACE_RUNTIME=1</c>. Returns null when no export is asked for:
/// no listener, no spans, no cost.
/// </summary>
public static class OrleansDistTracing
{
    /// <summary>Spans the command-line client opens for the protocols it drives (a download, an experiment).</summary>
    public const string ClientSourceName = "OrleansDist.Client";

    /// <summary>Orleans' grain-call spans (Client span on the caller, Server span on the callee).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' own system calls: membership probes, directory, ...</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    public static readonly string[] ApplicationSources = [OrleansApplicationSource, "OrleansDist.Grains*", ClientSourceName];

    public static TracerProvider? Start(string serviceName, string? traceFile)
    {
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        if (!otlp && string.IsNullOrWhiteSpace(traceFile))
        {
            return null;
        }

        var name = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } fromEnvironment ? fromEnvironment : serviceName;
        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(name))
            .AddSource(ApplicationSources);

        // OTEL_TRACES_SAMPLER (always_on, traceidratio, parentbased_*, ...) is read by the SDK itself; without it, every span
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_TRACES_SAMPLER")))
        {
            builder.SetSampler(new AlwaysOnSampler());
        }

        // membership probes and directory calls are many and rarely interesting: only on request
        if (Environment.GetEnvironmentVariable("ORLEANSDIST_TRACE_RUNTIME") == "1")
        {
            builder.AddSource(OrleansRuntimeSource);
        }

        if (otlp)
        {
            builder.AddOtlpExporter();
        }

        if (!string.IsNullOrWhiteSpace(traceFile))
        {
            builder.AddProcessor(new BatchActivityExportProcessor(new JsonLinesActivityExporter(traceFile, name), scheduledDelayMilliseconds: 1000));
        }

        return builder.Build();
    }
}
