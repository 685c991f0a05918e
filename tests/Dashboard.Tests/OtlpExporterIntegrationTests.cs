using System.Diagnostics;
using System.Text.Json;

namespace OrleansDist.Dashboard.Tests;

/// <summary>The real OpenTelemetry .NET SDK and OTLP exporter (HttpProtobuf) against the receiver.</summary>
public sealed class OtlpExporterIntegrationTests
{
    [Fact]
    public async Task TwoProcessesSpansBecomeOneTraceWithTheRightParentLink()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        string traceId, parentId, childId;
        using (var exporter = new OtlpTestExporter(dashboard.Server.OtlpTracesEndpoint, "frontend", "backend"))
        {
            using (var parent = exporter.Start("frontend", "IFrontend/Handle", ActivityKind.Client, tags: [("rpc.system", "orleansdist"), ("attempt", 2L)]))
            {
                traceId = parent.TraceId.ToHexString();
                parentId = parent.SpanId.ToHexString();
                // The backend only knows the propagated context, as across a process boundary.
                var remoteParent = new ActivityContext(parent.TraceId, parent.SpanId, parent.ActivityTraceFlags, isRemote: true);
                using var child = exporter.Start("backend", "IBackend/Work", ActivityKind.Server, remoteParent, ("grain.id", "backend/7"), ("ok", true), ("ratio", 0.5));
                childId = child.SpanId.ToHexString();
                child.AddEvent(new ActivityEvent("checkpoint"));
                child.SetStatus(ActivityStatusCode.Error, "disk full");
            }

            exporter.Flush();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var trace = await dashboard.Server.Store.WaitForTraceAsync(t => t.TraceId == traceId && t.Spans.Count == 2, timeout.Token);

        Assert.Equal(["backend", "frontend"], trace.Summary.Services.Order());
        Assert.Equal("IFrontend/Handle", trace.Summary.RootName);
        var parentSpan = trace.FindSpan(parentId)!;
        var childSpan = trace.FindSpan(childId)!;
        Assert.Null(parentSpan.ParentSpanId);
        Assert.Equal(parentId, childSpan.ParentSpanId);
        Assert.Equal("frontend", parentSpan.ServiceName);
        Assert.Equal("backend", childSpan.ServiceName);
        Assert.Equal(Storage.SpanKind.Client, parentSpan.Kind);
        Assert.Equal(Storage.SpanKind.Server, childSpan.Kind);
        Assert.Equal("backend/7", childSpan.GetAttribute("grain.id"));
        Assert.Equal(true, childSpan.GetAttribute("ok"));
        Assert.Equal(0.5, childSpan.GetAttribute("ratio"));
        Assert.Equal(2L, parentSpan.GetAttribute("attempt"));
        Assert.Equal(Storage.SpanStatusCode.Error, childSpan.StatusCode);
        Assert.Equal("disk full", childSpan.StatusMessage);
        Assert.Equal("checkpoint", Assert.Single(childSpan.Events).Name);
        Assert.Contains(childSpan.ResourceAttributes, a => a.Key == "telemetry.sdk.name");

        // The same through the JSON API.
        using var list = JsonDocument.Parse(await dashboard.Http.GetStringAsync("api/traces"));
        var summary = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(traceId, summary.GetProperty("id").GetString());
        Assert.Equal(2, summary.GetProperty("spanCount").GetInt32());
        Assert.Equal(["backend", "frontend"], summary.GetProperty("services").EnumerateArray().Select(s => s.GetString()).Order());

        using var detail = JsonDocument.Parse(await dashboard.Http.GetStringAsync($"api/traces/{traceId}"));
        var spans = detail.RootElement.GetProperty("spans").EnumerateArray().ToDictionary(s => s.GetProperty("spanId").GetString()!);
        Assert.Equal(JsonValueKind.Null, spans[parentId].GetProperty("parentSpanId").ValueKind);
        Assert.Equal(parentId, spans[childId].GetProperty("parentSpanId").GetString());
        Assert.Equal("backend", spans[childId].GetProperty("service").GetString());
        Assert.Equal("backend/7", spans[childId].GetProperty("attributes").GetProperty("grain.id").GetString());
        Assert.Equal("error", spans[childId].GetProperty("status").GetProperty("code").GetString());
    }
}
