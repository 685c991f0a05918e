using System.Text.Json;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// A line download on a 2-silo cluster of real processes, read back from a real Aspire dashboard through its JSON API
/// and its UI, and the silos' Orleans Dashboard in a browser.
/// </summary>
public sealed class AspireDashboardTraceTests(ObservedClusterFixture cluster) : IClassFixture<ObservedClusterFixture>
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_download_is_one_trace_rooted_at_the_client_with_grain_calls_on_both_silos_and_nested_protocol_spans_and_linked_logs()
    {
        Assert.True(cluster.Download.ExitCode == 0, $"the download failed: {cluster.Download}\n{cluster.SiloOutput}");
        var (traceId, spans) = await WaitForDownloadTraceAsync();
        var byId = spans.ToDictionary(s => s.SpanId);

        var root = Assert.Single(spans, s => s.ParentSpanId.Length == 0);
        Assert.Equal("download", root.Name);
        Assert.Equal("orleansdist-client", root.Service);
        Assert.Equal("OrleansDist.Client", root.Scope);

        // Orleans' grain-call spans, from both silo processes (and the client's calls)
        var grainCalls = spans.Where(s => s.Scope == "Microsoft.Orleans.Application").ToList();
        var siloInstances = grainCalls.Where(s => s.Service == "orleansdist-silo").Select(s => s.Instance).Distinct().Order().ToList();
        Assert.Equal(["silo0", "silo1"], siloInstances);
        Assert.Contains(grainCalls, s => s.Name == "ILineCollectionGrain/Start" && s.Service == "orleansdist-client");
        Assert.Contains(grainCalls, s => s.Name == "ILineFetcherGrain/Start" && s.Service == "orleansdist-silo");

        // our protocol spans, each nested under the root
        var protocol = spans.Where(s => s.Scope == "OrleansDist.Grains.LineDownload").ToList();
        Assert.Equal(2, protocol.Count(s => s.Name.StartsWith("fetcher ", StringComparison.Ordinal)));
        Assert.Contains(protocol, s => s.Name == "line server connection");
        var submit = Assert.Single(protocol, s => s.Name == "SUBMIT");
        Assert.StartsWith("SUBMIT SUCCESS", submit.Attributes["orleansdist.submit.reply"], StringComparison.Ordinal);
        Assert.Equal("200", submit.Attributes["orleansdist.submit.correct"]);
        foreach (var span in protocol)
        {
            Assert.True(ReachesRoot(span, byId, root.SpanId), $"{span.Name} ({span.SpanId}) does not hang under the download span");
        }

        foreach (var fetcher in protocol.Where(s => s.Name.StartsWith("fetcher ", StringComparison.Ordinal)))
        {
            Assert.True(fetcher.Attributes.ContainsKey("network.local.address"), $"{fetcher.Name} has no source address");
            Assert.True(int.Parse(fetcher.Attributes["orleansdist.requests"], System.Globalization.CultureInfo.InvariantCulture) > 0, $"{fetcher.Name} counted no SENDLINE requests");
        }

        // each line-server connection has its own SENDLINE counts; together they are the fetchers' totals
        var connections = protocol.Where(s => s.Name == "line server connection").ToList();
        var fetchers = protocol.Where(s => s.Name.StartsWith("fetcher ", StringComparison.Ordinal)).ToList();
        foreach (var key in new[] { "orleansdist.requests", "orleansdist.lines_received", "orleansdist.minus_one_replies" })
        {
            Assert.All(connections, c => Assert.True(c.Attributes.ContainsKey(key), $"a line server connection span has no {key}"));
            Assert.Equal(fetchers.Sum(f => Number(f, key)), connections.Sum(c => Number(c, key)));
        }

        Assert.True(connections.Sum(c => Number(c, "orleansdist.lines_received")) >= 200, "the connections received fewer lines than the file has");

        // the fetchers' log records carry the trace id: they show beside its spans
        var logs = await WaitForAsync(async () =>
        {
            var records = LogRecords(await cluster.GetJsonAsync($"api/telemetry/logs?traceId={traceId}")).Where(r => r.TraceId == traceId).ToList();
            return records.Count(r => r.Body.StartsWith("Fetcher ", StringComparison.Ordinal) && r.Body.Contains(" stopped after ", StringComparison.Ordinal)) >= 2 ? records : null;
        });
        Assert.True(logs is not null, "no fetcher log records linked to the download's trace");
        Assert.Contains(logs, r => r.Body.StartsWith("Fetcher ", StringComparison.Ordinal) && r.Body.Contains("connected to", StringComparison.Ordinal));
        Assert.All(logs, r => Assert.Equal(traceId, r.TraceId));
    }

    [Fact]
    public async Task The_Aspire_dashboard_UI_shows_the_download_trace_with_its_spans_nested()
    {
        var (traceId, _) = await WaitForDownloadTraceAsync();
        var screenshot = Path.Combine(RepositoryPaths.Artifacts, "aspire-trace.png");
        var result = await Browser.RunAsync("aspire-trace.mjs", [cluster.Dashboard.UiUri.ToString(), traceId, screenshot]);
        Assert.True(result.ExitCode == 0, $"the browser check failed: {result}");
        Assert.True(File.Exists(screenshot));
        using var seen = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]);
        // the grid is virtualised: it renders the rows in view (about 50), so at least the first fetcher's
        Assert.True(seen.RootElement.GetProperty("fetchers").GetInt32() >= 1, result.StandardOutput);
        Assert.True(seen.RootElement.GetProperty("protocolRowsNested").GetInt32() >= 1, result.StandardOutput);
    }

    [Fact]
    public async Task The_Orleans_Dashboard_of_a_silo_lists_every_live_silo()
    {
        Assert.All(cluster.ReadyLines, line => Assert.Matches(@" dashboard=http://127\.0\.0\.1:\d+/$", line));
        var screenshot = Path.Combine(RepositoryPaths.Artifacts, "orleans-dashboard.png");
        var result = await Browser.RunAsync("orleans-dashboard.mjs", [cluster.OrleansDashboards[1], screenshot, .. cluster.SiloAddresses]);
        Assert.True(result.ExitCode == 0, $"the browser check failed: {result}");
        Assert.True(File.Exists(screenshot));
    }

    private async Task<(string TraceId, List<Span> Spans)> WaitForDownloadTraceAsync()
    {
        var found = await WaitForAsync(async () =>
        {
            var list = Spans(await cluster.GetJsonAsync("api/telemetry/traces"));
            var root = list.FirstOrDefault(s => s.Name == "download" && s.ParentSpanId.Length == 0);
            if (root is null)
            {
                return null;
            }

            var spans = Spans(await cluster.GetJsonAsync($"api/telemetry/traces/{root.TraceId}"));
            // complete once both silos' spans and the SUBMIT are in (export batches leave every second)
            var complete = spans.Any(s => s.Name == "SUBMIT")
                && spans.Where(s => s.Service == "orleansdist-silo" && s.Scope == "Microsoft.Orleans.Application").Select(s => s.Instance).Distinct().Count() == 2
                && spans.Count(s => s.Name.StartsWith("fetcher ", StringComparison.Ordinal)) == 2;
            return complete ? (root.TraceId, spans) as (string, List<Span>)? : null;
        });
        Assert.True(found is not null, $"no complete download trace in the Aspire dashboard within {ExportWait.TotalSeconds:0} s\n{cluster.Download}\n{cluster.SiloOutput}");
        return found.Value;
    }

    private static long Number(Span span, string key) =>
        long.Parse(span.Attributes[key], System.Globalization.CultureInfo.InvariantCulture);

    private static bool ReachesRoot(Span span, Dictionary<string, Span> byId, string rootId)
    {
        for (var current = span; current is not null; current = byId.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.ParentSpanId == rootId)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe)
    {
        var deadline = DateTime.UtcNow + ExportWait;
        while (true)
        {
            var value = await probe();
            if (value is not null || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(500);
        }
    }

    private sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, string Service, string Instance, Dictionary<string, string> Attributes);

    private sealed record LogRecord(string TraceId, string Body);

    /// <summary>The spans of an OTLP/JSON document (<c>data.resourceSpans[].scopeSpans[].spans[]</c>), with their resource.</summary>
    private static List<Span> Spans(JsonElement document)
    {
        var spans = new List<Span>();
        foreach (var resource in document.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var attributes = Attributes(resource.GetProperty("resource"));
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                var scopeName = scope.GetProperty("scope").TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new Span(
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        span.GetProperty("name").GetString()!,
                        scopeName,
                        attributes.GetValueOrDefault("service.name", ""),
                        attributes.GetValueOrDefault("service.instance.id", ""),
                        Attributes(span)));
                }
            }
        }

        return spans;
    }

    private static List<LogRecord> LogRecords(JsonElement document)
    {
        var records = new List<LogRecord>();
        foreach (var resource in document.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            foreach (var scope in resource.GetProperty("scopeLogs").EnumerateArray())
            {
                foreach (var record in scope.GetProperty("logRecords").EnumerateArray())
                {
                    records.Add(new LogRecord(
                        record.TryGetProperty("traceId", out var t) ? t.GetString() ?? "" : "",
                        record.TryGetProperty("body", out var b) && b.TryGetProperty("stringValue", out var s) ? s.GetString() ?? "" : ""));
                }
            }
        }

        return records;
    }

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (owner.TryGetProperty("attributes", out var attributes))
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                var text = value.EnumerateObject().FirstOrDefault() is { Value: var v } ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
                result[attribute.GetProperty("key").GetString()!] = text?.Trim('"') ?? "";
            }
        }

        return result;
    }
}
