using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansDist.Runtime.Telemetry;
using OrleansDist.TestingHost;
using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task CallsAcrossSilosFormOneTraceWithClientAndServerSpans()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RuntimeTelemetry.ApplicationSourceName or "OrleansDist.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var silos = cluster.Silos;
        var echoKey = Random.Shared.NextInt64();
        using (Placement.PlacementHint.PinToSilo(silos[1].Name))
        {
            await cluster.Client.GetGrain<IEchoGrain>(echoKey).Echo(0);
        }

        var relay = cluster.Client.GetGrain<IRelayGrain>("relay-" + Guid.NewGuid());
        ActivityTraceId traceId;
        using (Placement.PlacementHint.PinToSilo(silos[0].Name))
        {
            using var source = new ActivitySource("OrleansDist.Tests");
            using var root = source.StartActivity("test-root")!;
            traceId = root.TraceId;
            Assert.Equal(7, await relay.Relay(echoKey, 7));
        }

        await Task.Delay(100);

        // other tests run in parallel in this process: look only at this test's trace
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var clientRelay = Assert.Single(trace, s => s.DisplayName == "IRelayGrain/Relay" && s.Kind == ActivityKind.Client);
        var serverRelay = Assert.Single(trace, s => s.DisplayName == "IRelayGrain/Relay" && s.Kind == ActivityKind.Server);
        var clientEcho = Assert.Single(trace, s => s.DisplayName == "IEchoGrain/Echo" && s.Kind == ActivityKind.Client);
        var serverEcho = Assert.Single(trace, s => s.DisplayName == "IEchoGrain/Echo" && s.Kind == ActivityKind.Server);

        Assert.All(new[] { serverRelay, clientEcho, serverEcho }, s => Assert.Equal(clientRelay.TraceId, s.TraceId));
        Assert.Equal(clientRelay.SpanId, serverRelay.ParentSpanId);
        Assert.Equal(serverRelay.SpanId, clientEcho.ParentSpanId);
        Assert.Equal(clientEcho.SpanId, serverEcho.ParentSpanId);
        Assert.Equal("orleansdist", serverEcho.GetTagItem("rpc.system"));
        Assert.Equal(typeof(IEchoGrain).FullName, serverEcho.GetTagItem("rpc.service"));
        Assert.Equal("Echo", serverEcho.GetTagItem("rpc.method"));
    }

    [Fact]
    public async Task FailedCallMarksSpansAsErrors()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RuntimeTelemetry.ApplicationSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var cluster = new TestClusterBuilder(1).Build();
        await cluster.DeployAsync();

        var key = Guid.NewGuid();
        var grain = cluster.Client.GetGrain<IThrowingGrain>(key);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("traced failure"));
        await Task.Delay(100);

        var failed = spans.Where(s => s.DisplayName == "IThrowingGrain/Throw" && Equals(s.GetTagItem("orleansdist.grain_id"), grain.GetGrainId().ToString())).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.All(failed, s => Assert.Contains(s.Events, e => e.Name == "exception"));
    }
}
