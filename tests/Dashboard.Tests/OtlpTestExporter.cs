using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansDist.Dashboard.Tests;

/// <summary>
/// Real OpenTelemetry SDK pipelines (TracerProvider + OTLP/HTTP protobuf exporter), one per simulated process, each
/// with its own service name and ActivitySource, all exporting to one receiver.
/// </summary>
internal sealed class OtlpTestExporter : IDisposable
{
    private readonly Dictionary<string, (ActivitySource Source, TracerProvider Provider)> _services = [];

    /// <param name="tracesEndpoint">The receiver's full /v1/traces URL (with HttpProtobuf the SDK uses a code-set endpoint as is).</param>
    /// <param name="serviceNames">One pipeline per name.</param>
    public OtlpTestExporter(Uri tracesEndpoint, params string[] serviceNames)
    {
        // Source names are unique per instance: ActivitySource listeners are process-wide and tests run in parallel.
        var unique = Guid.NewGuid().ToString("N")[..8];
        foreach (var service in serviceNames)
        {
            var sourceName = $"OrleansDist.Dashboard.Tests.{service}.{unique}";
            var provider = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(resource => resource.AddService(service, serviceInstanceId: $"{service}-{unique}"))
                .AddSource(sourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = tracesEndpoint;
                    otlp.TimeoutMilliseconds = 10_000;
                })
                .Build();
            _services[service] = (new ActivitySource(sourceName), provider);
        }
    }

    /// <summary>Starts a span in <paramref name="service"/>'s process; a parent from another service makes it a remote child.</summary>
    public Activity Start(string service, string name, ActivityKind kind, ActivityContext parent = default, params (string Key, object? Value)[] tags)
    {
        var activity = _services[service].Source.StartActivity(name, kind, parent)
            ?? throw new InvalidOperationException($"No listener sampled span '{name}' of {service}.");
        foreach (var (key, value) in tags)
        {
            activity.SetTag(key, value);
        }

        return activity;
    }

    /// <summary>Exports everything ended so far from every pipeline.</summary>
    public void Flush()
    {
        foreach (var (_, provider) in _services.Values)
        {
            Assert.True(provider.ForceFlush(10_000), "The OTLP exporter did not flush within 10 s.");
        }
    }

    public void Dispose()
    {
        foreach (var (source, provider) in _services.Values)
        {
            provider.Dispose();
            source.Dispose();
        }
    }
}
