using System.Diagnostics;
using System.Text.Json;

namespace OrleansDist.Dashboard.Tests;

/// <summary>
/// The page in a real browser: Playwright (playwright-core) driving Debian's Chromium through
/// tests/browser/trace-waterfall.mjs. Needs tests/scripts/browser-setup.sh to have run (test.sh runs it); without the
/// browser the test fails and says so, it never skips.
/// </summary>
public sealed class BrowserWaterfallTests
{
    private const string SetupHint = "Run tests/scripts/browser-setup.sh (installs Debian's chromium and playwright-core into tests/browser) and try again.";

    [Fact]
    public async Task TraceListOpensTheWaterfallWithEverySpanAndParentChildIndentation()
    {
        var (node, script) = RequireBrowserTooling();
        await using var dashboard = await DashboardServerFixture.StartAsync();

        // Three services, four levels: client -> silo-1 -> silo-1 -> silo-2, plus a sibling.
        const string rootName = "browser-test download";
        string traceId;
        using (var exporter = new OtlpTestExporter(dashboard.Server.OtlpTracesEndpoint, "client", "silo-1", "silo-2"))
        {
            using (var root = exporter.Start("client", rootName, ActivityKind.Internal, tags: [("file", "lines.txt")]))
            {
                traceId = root.TraceId.ToHexString();
                using (var call = exporter.Start("client", "ILineCollector/Collect", ActivityKind.Client, tags: [("rpc.system", "orleansdist"), ("rpc.method", "Collect")]))
                {
                    var remote = new ActivityContext(call.TraceId, call.SpanId, call.ActivityTraceFlags, isRemote: true);
                    using var server = exporter.Start("silo-1", "ILineCollector/Collect", ActivityKind.Server, remote, ("grain.id", "collector/1"), ("silo", "silo-1"));
                    using (var fetch = exporter.Start("silo-1", "IFetcher/Fetch", ActivityKind.Client, tags: [("rpc.method", "Fetch")]))
                    {
                        var remoteFetch = new ActivityContext(fetch.TraceId, fetch.SpanId, fetch.ActivityTraceFlags, isRemote: true);
                        using var fetchServer = exporter.Start("silo-2", "IFetcher/Fetch", ActivityKind.Server, remoteFetch, ("grain.id", "fetcher/0"), ("silo", "silo-2"));
                        await Task.Delay(5);
                    }

                    using var submit = exporter.Start("silo-1", "SUBMIT", ActivityKind.Internal, tags: [("line", 7L)]);
                    await Task.Delay(2);
                }
            }

            exporter.Flush();
        }

        using var arrived = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var trace = await dashboard.Server.Store.WaitForTraceAsync(t => t.TraceId == traceId && t.Spans.Count == 6, arrived.Token);

        var screenshot = Path.Combine(RepositoryPaths.Artifacts, "trace-waterfall.png");
        File.Delete(screenshot);
        var result = await ProcessRunner.RunAsync(node, [script, dashboard.Server.BaseUri.ToString(), rootName, screenshot, "--min-spans", "6"], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, "The browser test failed: " + result);
        var report = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(traceId, report.GetProperty("traceId").GetString());
        Assert.Equal(trace.Spans.Count, report.GetProperty("spanRows").GetInt32());
        Assert.Equal(5, report.GetProperty("pairs").GetInt32());
        Assert.Equal(4, report.GetProperty("maxDepth").GetInt32());
        Assert.Equal(3, report.GetProperty("distinctServiceColors").GetInt32());
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"screenshot {screenshot} missing or empty");
    }

    /// <summary>The node binary and the script, or a failure naming the setup script.</summary>
    internal static (string Node, string Script) RequireBrowserTooling()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        var node = ProcessRunner.FindOnPath("node");
        var script = Path.Combine(RepositoryPaths.Root, "tests", "browser", "trace-waterfall.mjs");
        var playwright = Path.Combine(RepositoryPaths.Root, "tests", "browser", "node_modules", "playwright-core", "package.json");
        var missing = new List<string>();
        if (!File.Exists(chromium))
        {
            missing.Add($"Chromium ({chromium})");
        }

        if (node is null)
        {
            missing.Add("node (Node.js on PATH)");
        }

        if (!File.Exists(playwright))
        {
            missing.Add($"playwright-core ({playwright})");
        }

        Assert.True(missing.Count == 0, $"The browser test needs {string.Join(", ", missing)}. {SetupHint}");
        Assert.True(File.Exists(script), $"{script} is missing.");
        return (node!, script);
    }
}
