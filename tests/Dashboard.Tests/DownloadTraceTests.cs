using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansDist.Client.Download;
using OrleansDist.Dashboard.Storage;
using SpanKind = OrleansDist.Dashboard.Storage.SpanKind;
using OrleansDist.GrainInterfaces.LineDownload;
using OrleansDist.Grains.LineDownload;
using OrleansDist.Hosting;
using OrleansDist.LineServer;
using OrleansDist.TestingHost;

namespace OrleansDist.Dashboard.Tests;

/// <summary>
/// A real line download on a 2-silo in-process cluster, its spans exported with the OpenTelemetry OTLP exporter to the
/// built-in receiver: one trace from the client's root span down into both silos, and the same trace in a browser.
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
        private readonly TestCluster _cluster;

        private TracedDownload(TraceDashboardServer dashboard, TracerProvider tracing, LineServerHost server, TestCluster cluster)
        {
            Dashboard = dashboard;
            _tracing = tracing;
            _server = server;
            _cluster = cluster;
        }

        public TraceDashboardServer Dashboard { get; }

        public TraceSnapshot Trace { get; private set; } = null!;

        public IReadOnlyList<string> SiloNames => [.. _cluster.Silos.Select(s => s.Name)];

        public static async Task<TracedDownload> RunAsync()
        {
            var dashboard = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0 });
            var tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("download-trace-test"))
                .AddSource("OrleansDist.Application", "OrleansDist.Grains*", DownloadRunner.Source.Name)
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = dashboard.OtlpTracesEndpoint;
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                })
                .Build();
            var server = new LineServerHost(new LineServerOptions { Port = 0, BindAddress = "127.0.0.1", Lines = 100, Rate = 1000 });
            await server.StartAsync();
            var cluster = new TestClusterBuilder(2).ConfigureSilo(silo => silo.AddGrainAssembly(typeof(LineCollectionGrain).Assembly)).Build();
            await cluster.DeployAsync();
            var run = new TracedDownload(dashboard, tracing, server, cluster);

            var id = "traced-" + Guid.NewGuid().ToString("N")[..8];
            var request = new DownloadRequest { Server = $"127.0.0.1:{server.EndPoint.Port}", Entry = "trace@test", Fetchers = 2, ExpectedLines = 100 };
            var result = await new DownloadRunner(cluster.Client, new DownloadProgressPrinter(TextWriter.Null, TimeSpan.FromSeconds(1)))
                .RunAsync(id, request, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.Succeeded, $"{result.Status.Phase}: {result.Status.Error}");

            tracing.ForceFlush(10_000);
            using var arrived = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            run.Trace = await dashboard.Store.WaitForTraceAsync(
                t => t.Spans.Any(s => s.Name == "download" && s.GetAttribute("orleansdist.download.id") as string == id) && t.Spans.Any(s => s.Name == "SUBMIT"),
                arrived.Token);
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _cluster.DisposeAsync();
            await _server.DisposeAsync();
            _tracing.Dispose();
            await Dashboard.DisposeAsync();
        }
    }
}
