using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansDist.Client.Download;
using OrleansDist.Dashboard.Storage;
using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Hosting;
using OrleansDist.Hosting.Telemetry;
using OrleansDist.LineServer;
using SpanKind = OrleansDist.Dashboard.Storage.SpanKind;

namespace OrleansDist.Dashboard.Tests;

/// <summary>
/// A real line download on a 2-silo Orleans cluster in this process (<see cref="EmbeddedCluster"/>: the product's silo and
/// client configuration, which adds Orleans' activity propagation), its spans exported with the OpenTelemetry OTLP exporter
/// to the built-in receiver: one trace from the client's root span down into both silos, and the same trace in a browser.
/// Grain-call spans are Orleans' own (named <c>IInterface/Method</c>, as our runtime named them), listened to through the
/// product's list <see cref="OrleansDistTracing.ApplicationSources"/> (which source Orleans puts them in: GrainCallTracingTests).
/// </summary>
public sealed class DownloadTraceTests
{
    [Fact]
    public async Task ADownloadIsOneTraceWithSpansFromTheClientAndBothSilosLinkedDownToTheCollection()
    {
        await using var run = await TracedDownload.RunAsync();
        var spans = run.Trace.Spans;
        var byId = spans.ToDictionary(s => s.SpanId);

        var root = Assert.Single(spans, s => s.ParentSpanId is null);
        Assert.Equal("download", root.Name);
        Assert.Equal(DownloadRunner.Source.Name, root.ScopeName);

        // client root → client call → the collection's server span, on a silo
        var startServer = Assert.Single(spans, s => s.Name == "ILineCollectionGrain/Start" && s.Kind == SpanKind.Server);
        var startClient = byId[startServer.ParentSpanId!];
        Assert.Equal(SpanKind.Client, startClient.Kind);
        Assert.Equal(root.SpanId, startClient.ParentSpanId);

        // every AddLines the collection served climbs back to the client's root through a fetcher
        var addLines = spans.Where(s => s.Name == "ILineCollectionGrain/AddLines" && s.Kind == SpanKind.Server).ToList();
        Assert.NotEmpty(addLines);
        foreach (var span in addLines)
        {
            var chain = Ancestors(span, byId).Select(s => s.Name).ToList();
            Assert.Equal("download", chain[^1]);
            Assert.Contains(chain, name => name.StartsWith("fetcher ", StringComparison.Ordinal));
            Assert.Contains("ILineFetcherGrain/Start", chain);
        }

        // spans from both silos (the fetchers are dealt out over them) and the SUBMIT on the line server
        var silos = spans.Select(s => s.GetAttribute("orleansdist.silo")).OfType<string>().ToHashSet();
        Assert.Equal(run.SiloNames.Order(), silos.Order());
        var submit = Assert.Single(spans, s => s.Name == "SUBMIT");
        Assert.Equal("download", Ancestors(submit, byId).Last().Name);
    }

    [Fact]
    public async Task TheBrowserOpensTheDownloadTraceAndShowsItsWaterfall()
    {
        var (node, script) = BrowserWaterfallTests.RequireBrowserTooling();
        await using var run = await TracedDownload.RunAsync();

        var screenshot = Path.Combine(RepositoryPaths.Artifacts, "download-trace-waterfall.png");
        File.Delete(screenshot);
        var result = await ProcessRunner.RunAsync(
            node, [script, run.Dashboard.BaseUri.ToString(), "download", screenshot, "--min-spans", $"{run.Trace.Spans.Count}"], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, "The browser test failed: " + result);
        var report = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(run.Trace.TraceId, report.GetProperty("traceId").GetString());
        Assert.Equal(run.Trace.Spans.Count, report.GetProperty("spanRows").GetInt32());
        Assert.True(report.GetProperty("maxDepth").GetInt32() >= 5, "download → Start → Start → fetcher Start → fetcher → AddLines");
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"screenshot {screenshot} missing or empty");
    }

    private static IEnumerable<StoredSpan> Ancestors(StoredSpan span, Dictionary<string, StoredSpan> byId)
    {
        var current = span;
        while (current.ParentSpanId is { } parent && byId.TryGetValue(parent, out var next))
        {
            yield return next;
            current = next;
        }
    }

    /// <summary>Dashboard, OTLP export to it, a line server, a 2-silo cluster, and one finished download.</summary>
    private sealed class TracedDownload : IAsyncDisposable
    {
        private readonly TracerProvider _tracing;
        private readonly LineServerHost _server;
        private readonly EmbeddedCluster _cluster;

        private TracedDownload(TraceDashboardServer dashboard, TracerProvider tracing, LineServerHost server, EmbeddedCluster cluster)
        {
            Dashboard = dashboard;
            _tracing = tracing;
            _server = server;
            _cluster = cluster;
        }

        public TraceDashboardServer Dashboard { get; }

        public TraceSnapshot Trace { get; private set; } = null!;

        public IReadOnlyList<string> SiloNames => [.. _cluster.Describe().Select(s => s.Name)];

        public static async Task<TracedDownload> RunAsync()
        {
            var dashboard = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0 });
            var tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("download-trace-test"))
                .AddSource(OrleansDistTracing.ApplicationSources)
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = dashboard.OtlpTracesEndpoint;
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                })
                .Build();
            LineServerHost? server = null;
            EmbeddedCluster? cluster = null;
            try
            {
                server = new LineServerHost(new LineServerOptions { Port = 0, BindAddress = "127.0.0.1", Lines = 100, Rate = 1000 });
                await server.StartAsync();
                using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                cluster = await EmbeddedCluster.StartAsync(
                    2,
                    configureLogging: logging => logging.SetMinimumLevel(LogLevel.None),
                    clusterId: "download-trace-" + Guid.NewGuid().ToString("N")[..8],
                    cancellationToken: starting.Token);
            }
            catch
            {
                if (server is not null)
                {
                    await server.DisposeAsync();
                }

                tracing.Dispose();
                await dashboard.DisposeAsync();
                throw;
            }

            var run = new TracedDownload(dashboard, tracing, server, cluster);
            try
            {
                await run.DownloadAsync();
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }

            return run;
        }

        private async Task DownloadAsync()
        {
            var id = "traced-" + Guid.NewGuid().ToString("N")[..8];
            var request = new DownloadRequest { Server = $"127.0.0.1:{_server.EndPoint.Port}", Entry = "trace@test", Fetchers = 2, ExpectedLines = 100 };
            var result = await new DownloadRunner(_cluster.Client, new DownloadProgressPrinter(TextWriter.Null, TimeSpan.FromSeconds(1)))
                .RunAsync(id, request, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.Succeeded, $"{result.Status.Phase}: {result.Status.Error}");

            _tracing.ForceFlush(10_000);
            using var arrived = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                Trace = await Dashboard.Store.WaitForTraceAsync(
                    t => t.Spans.Any(s => s.Name == "download" && s.GetAttribute("orleansdist.download.id") as string == id) && t.Spans.Any(s => s.Name == "SUBMIT"),
                    arrived.Token);
            }
            catch (OperationCanceledException)
            {
                var grainCalls = Dashboard.Store.GetAllTraces().Any(t => t.Spans.Any(s => s.Name.StartsWith("ILine", StringComparison.Ordinal)));
                Assert.Fail(
                    "no trace with the download's root span and a SUBMIT arrived within 20 s"
                    + (grainCalls ? "" : " (and no grain-call span at all: see GrainCallTracingTests)")
                    + $"; the store holds:{Environment.NewLine}{DescribeStore()}");
            }
        }

        private string DescribeStore() => string.Join(
            Environment.NewLine,
            Dashboard.Store.GetAllTraces().Select(t =>
                $"trace {t.TraceId}: {t.Spans.Count} spans: "
                + string.Join(", ", t.Spans.GroupBy(s => $"{s.Name} ({s.Kind}, {s.ScopeName}{(s.ParentSpanId is null ? ", root" : "")})").Select(g => $"{g.Count()}x {g.Key}"))));

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                try
                {
                    await _server.DisposeAsync();
                }
                finally
                {
                    _tracing.Dispose();
                    await Dashboard.DisposeAsync();
                }
            }
        }
    }
}
