using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Dist.GrainInterfaces.Diagnostics;
using OrleansDist.Hosting;
using OrleansDist.Telemetry;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// The spans Orleans makes for our grain calls, on a 1-silo <see cref="EmbeddedCluster"/> (the product's silo and client
/// configuration, which adds Orleans' activity propagation): a Client span on the caller and a Server span on the grain,
/// named <c>IInterface/Method</c>, from an ActivitySource that <see cref="OrleansDistTelemetry.ApplicationSources"/> lists
/// (what the silo and client programs, and the download-trace tests, listen to).
/// </summary>
public sealed class GrainCallTracingTests
{
    [Fact]
    public async Task A_call_to_one_of_our_grains_gives_a_client_and_a_server_span_from_a_source_the_product_listens_to()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var root = new ActivitySource("OrleansDist.Observability.Tests.GrainCallTracing." + Guid.NewGuid().ToString("N")[..8]);
        // every Orleans source (Application and Runtime), so that the test can tell where our grain calls' spans went
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source == root || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var cluster = await EmbeddedCluster.StartAsync(
            1, configureLogging: logging => logging.SetMinimumLevel(LogLevel.None), clusterId: "grain-call-tracing-" + Guid.NewGuid().ToString("N")[..8]);
        ActivityTraceId traceId;
        using (var test = root.StartActivity("test", ActivityKind.Internal)!)
        {
            traceId = test.TraceId;
            Assert.StartsWith("Hello, tracing!", await cluster.Client.GetGrain<IHelloGrain>("traced").SayHello("tracing").WaitAsync(TimeSpan.FromSeconds(30)));
        }

        var ours = spans.Where(s => s.TraceId == traceId && s.DisplayName == "IHelloGrain/SayHello").ToList();
        var seen = string.Join(", ", ours.Select(s => $"{s.DisplayName} ({s.Kind}) from {s.Source.Name}"));
        Assert.True(ours.Count == 2, $"expected a Client and a Server span for IHelloGrain/SayHello in the test's trace; got: {seen}");
        Assert.Equal([ActivityKind.Server, ActivityKind.Client], ours.Select(s => s.Kind).Order());
        Assert.True(
            ours.All(s => Listed(s.Source.Name)),
            $"the spans of our grain calls come from a source that OrleansDistTelemetry.ApplicationSources ({string.Join(", ", OrleansDistTelemetry.ApplicationSources)}) "
            + $"does not list, so the silo and client programs never export them: {seen}");
    }

    /// <summary>The source is one <see cref="OrleansDistTelemetry.ApplicationSources"/> names (a trailing * is a prefix match, as in OpenTelemetry).</summary>
    private static bool Listed(string source) =>
        OrleansDistTelemetry.ApplicationSources.Any(pattern => pattern.EndsWith('*')
            ? source.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : source == pattern);
}
