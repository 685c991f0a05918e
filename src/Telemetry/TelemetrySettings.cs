namespace OrleansDist.Telemetry;

/// <summary>What one process (or one host inside it) reports about itself, and where to.</summary>
public sealed record TelemetrySettings
{
    /// <summary>The <c>service.name</c> resource attribute (<c>OTEL_SERVICE_NAME</c> wins when set).</summary>
    public required string ServiceName { get; init; }

    /// <summary>The silo's name (or another instance name): <c>service.instance.id</c> and <c>orleans.silo.name</c>.</summary>
    public string? InstanceName { get; init; }

    /// <summary>Also append every finished span to this JSON-lines file (<c>orleansdist trace FILE</c> reads it).</summary>
    public string? TraceFile { get; init; }

    /// <summary>
    /// Export over OTLP/gRPC to this endpoint (an embedded Aspire dashboard). Null: export only when the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable asks for it, configured by the <c>OTEL_*</c> variables.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Also trace Orleans' own system calls (<c>Microsoft.Orleans.Runtime</c>: probes, directory, ...); also <c>ORLEANSDIST_TRACE_RUNTIME=1</c>.</summary>
    public bool TraceRuntime { get; init; }

    /// <summary>True when spans, metrics and logs go somewhere over OTLP.</summary>
    public bool ExportsOtlp =>
        OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
}
