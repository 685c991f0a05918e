using System.Diagnostics;
using System.Net;
using OrleansDist.Placement;
using OrleansDist.Runtime.Calls;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;
using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

/// <summary>Spans of grain calls: names, tags, parent links across processes' worth of silos, errors.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task ChainFromClientThroughTwoSilosIsOneTraceWithParentLinksAndLocationTags()
    {
        using var capture = new TelemetryCapture();
        var prefix = TelemetryCapture.NewPrefix();
        await using var cluster = TelemetryCapture.ClusterBuilder(2, prefix).Build();
        await cluster.DeployAsync();
        string silo1 = cluster.Silos[0].Silo.SiloName, silo2 = cluster.Silos[1].Silo.SiloName;
        Assert.StartsWith(prefix, silo1);

        // grain B (echo) lives on silo 2, grain A (relay) on silo 1
        var echoKey = Random.Shared.NextInt64();
        using (PlacementHint.PinToSilo(silo2))
        {
            await cluster.Client.GetGrain<IEchoGrain>(echoKey).Echo(0);
        }

        var relay = cluster.Client.GetGrain<IRelayGrain>("relay-" + Guid.NewGuid());
        Activity root;
        using (PlacementHint.PinToSilo(silo1))
        {
            using (root = TelemetryCapture.TestSource.StartActivity("test-root")!)
            {
                root.TraceStateString = "orleansdist-test=chain";
                Assert.Equal(7, await relay.Relay(echoKey, 7));
            }
        }

        // spans end before their responses are sent: all four are done by the time the call returns
        var trace = capture.Spans.Where(s => s.TraceId == root.TraceId).ToList();
        var clientA = Assert.Single(trace, s => s.DisplayName == "IRelayGrain/Relay" && s.Kind == ActivityKind.Client);
        var serverA = Assert.Single(trace, s => s.DisplayName == "IRelayGrain/Relay" && s.Kind == ActivityKind.Server);
        var clientB = Assert.Single(trace, s => s.DisplayName == "IEchoGrain/Echo" && s.Kind == ActivityKind.Client);
        var serverB = Assert.Single(trace, s => s.DisplayName == "IEchoGrain/Echo" && s.Kind == ActivityKind.Server);

        Assert.Equal(root.SpanId, clientA.ParentSpanId);
        Assert.Equal(clientA.SpanId, serverA.ParentSpanId);
        Assert.Equal(serverA.SpanId, clientB.ParentSpanId); // the call made in A's turn is a child of that turn's span
        Assert.Equal(clientB.SpanId, serverB.ParentSpanId);
        Assert.True(serverA.HasRemoteParent);
        Assert.True(serverB.HasRemoteParent);

        // where each span ran
        Assert.Equal(cluster.ClusterClient.ClientId, clientA.GetTagItem(RuntimeTelemetry.ClientTag));
        Assert.Null(clientA.GetTagItem(RuntimeTelemetry.SiloTag));
        Assert.Equal(silo1, serverA.GetTagItem(RuntimeTelemetry.SiloTag));
        Assert.Equal(silo1, clientB.GetTagItem(RuntimeTelemetry.SiloTag));
        Assert.Equal(silo2, serverB.GetTagItem(RuntimeTelemetry.SiloTag));
        Assert.All(new[] { serverA, clientB, serverB }, s => Assert.Null(s.GetTagItem(RuntimeTelemetry.ClientTag)));

        // the RPC tags on every span, and tracestate carried along with traceparent
        foreach (var (span, service, method, grain) in new[]
        {
            (clientA, typeof(IRelayGrain), "Relay", relay.GetGrainId()), (serverA, typeof(IRelayGrain), "Relay", relay.GetGrainId()),
            (clientB, typeof(IEchoGrain), "Echo", cluster.Client.GetGrain<IEchoGrain>(echoKey).GetGrainId()),
            (serverB, typeof(IEchoGrain), "Echo", cluster.Client.GetGrain<IEchoGrain>(echoKey).GetGrainId()),
        })
        {
            Assert.Equal("orleansdist", span.GetTagItem("rpc.system"));
            Assert.Equal(service.FullName, span.GetTagItem("rpc.service"));
            Assert.Equal(method, span.GetTagItem("rpc.method"));
            Assert.Equal(grain.ToString(), span.GetTagItem("orleansdist.grain_id"));
            Assert.Equal("orleansdist-test=chain", span.TraceStateString);
            Assert.Equal(RuntimeTelemetry.ApplicationSourceName, span.Source.Name);
        }
    }

    [Fact]
    public async Task TimerTicksRunWithoutTheSpanOrPlacementPinOfTheCallThatRegisteredThem()
    {
        using var capture = new TelemetryCapture();
        var prefix = TelemetryCapture.NewPrefix();
        await using var cluster = TelemetryCapture.ClusterBuilder(1, prefix).Build();
        await cluster.DeployAsync();

        var grain = cluster.Client.GetGrain<ITimerContextGrain>(Guid.NewGuid());
        using (TelemetryCapture.TestSource.StartActivity("registering caller"))
        {
            await grain.StartTimer(TimeSpan.FromMilliseconds(50));
        }

        string[] contexts = [];
        for (var i = 0; i < 100 && contexts.Length < 3; i++)
        {
            await Task.Delay(50);
            contexts = await grain.TickContexts();
        }

        // a tick is work of its own: it must not hang under (or be pinned by) the long-finished call that registered the timer
        Assert.True(contexts.Length >= 3, $"only {contexts.Length} ticks");
        Assert.All(contexts, context => Assert.Equal("|", context));
    }

    [Fact]
    public async Task GrainExceptionMarksClientAndServerSpansAsErrorsWithExceptionEvents()
    {
        using var capture = new TelemetryCapture();
        var prefix = TelemetryCapture.NewPrefix();
        await using var cluster = TelemetryCapture.ClusterBuilder(1, prefix).Build();
        await cluster.DeployAsync();

        var grain = cluster.Client.GetGrain<IThrowingGrain>(Guid.NewGuid());
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("traced failure"));

        var failed = capture.Spans.Where(s => s.DisplayName == "IThrowingGrain/Throw" && Equals(s.GetTagItem("orleansdist.grain_id"), grain.GetGrainId().ToString())).ToList();
        var client = Assert.Single(failed, s => s.Kind == ActivityKind.Client);
        var server = Assert.Single(failed, s => s.Kind == ActivityKind.Server);
        Assert.Equal(cluster.ClusterClient.ClientId, client.GetTagItem(RuntimeTelemetry.ClientTag));
        Assert.Equal(cluster.Silos[0].Silo.SiloName, server.GetTagItem(RuntimeTelemetry.SiloTag));
        foreach (var span in new[] { client, server })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("traced failure", span.StatusDescription);
            var exception = Assert.Single(span.Events, e => e.Name == "exception");
            var tags = exception.Tags.ToDictionary(t => t.Key, t => t.Value);
            Assert.Equal(typeof(InvalidOperationException).FullName, tags["exception.type"]);
            Assert.Equal("traced failure", tags["exception.message"]);
        }
    }

    [Fact]
    public async Task TimedOutCallEndsItsClientSpanWithATimeoutError()
    {
        using var capture = new TelemetryCapture();
        var origin = TelemetryOrigin.ForClient("timeout-" + Guid.NewGuid());
        using var callbacks = new CallbackTable(TimeProvider.System, TimeSpan.FromMilliseconds(50), origin);
        var (call, activity) = Pending(callbacks, EchoMethod, TimeSpan.FromMilliseconds(50));

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => call.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var where = (origin.Tag.Key, origin.Tag.Value);
        Assert.Equal(1, capture.Sum("orleansdist.calls.timeouts", where, ("rpc.method", "Echo")));
        Assert.Equal(1, capture.Sum("orleansdist.calls.made", where, ("orleansdist.outcome", "timeout")));
        Assert.Single(capture.Of("orleansdist.call.duration", where, ("orleansdist.outcome", "timeout")), m => m.Value >= 0.04);

        Assert.True(activity.IsStopped);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(exception.Message, activity.StatusDescription);
        var recorded = Assert.Single(activity.Events, e => e.Name == "exception");
        Assert.Contains(recorded.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(TimeoutException).FullName));
    }

    [Fact]
    public async Task UnavailableSiloAndRuntimeErrorResponsesEndClientSpansAsErrors()
    {
        using var capture = new TelemetryCapture();
        using var callbacks = new CallbackTable(TimeProvider.System, TimeSpan.FromSeconds(30), TelemetryOrigin.ForClient("unavailable-" + Guid.NewGuid()));
        var serializer = new MessageSerializer(new NoReferences());
        foreach (var (status, expected) in new[] { (ResponseStatus.SiloUnavailable, typeof(SiloUnavailableException)), (ResponseStatus.RuntimeError, typeof(InvalidOperationException)) })
        {
            var (call, activity) = Pending(callbacks, EchoMethod, TimeSpan.FromSeconds(30));
            callbacks.Complete(call.Request.CreateResponse(status, "silo x is gone"u8.ToArray()), serializer);

            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => call.Task);
            Assert.IsType(expected, thrown);
            Assert.True(activity.IsStopped);
            Assert.Equal(ActivityStatusCode.Error, activity.Status);
            Assert.Equal("silo x is gone", activity.StatusDescription);
            Assert.Contains(activity.Events, e => e.Name == "exception" && e.Tags.Any(t => t.Key == "exception.type" && Equals(t.Value, expected.FullName)));
        }
    }

    [Fact]
    public async Task EndingAClientSpanOnTheResponsePathLeavesThatFlowsCurrentSpanAlone()
    {
        using var capture = new TelemetryCapture();
        using var callbacks = new CallbackTable(TimeProvider.System, TimeSpan.FromSeconds(30), TelemetryOrigin.ForClient("flow-" + Guid.NewGuid()));
        (PendingRequest Call, Activity Span) pending;
        using (TelemetryCapture.TestSource.StartActivity("caller"))
        {
            pending = Pending(callbacks, EchoMethod, TimeSpan.FromSeconds(30));
        }

        // the response arrives on another flow (a connection's read loop) with no span of its own
        await Task.Run(() =>
        {
            Assert.Null(Activity.Current);
            callbacks.Complete(pending.Call.Request.CreateResponse(ResponseStatus.Success, new MessageSerializer(new NoReferences()).SerializeValue(5, typeof(int))), new MessageSerializer(new NoReferences()));
            Assert.Null(Activity.Current); // Stop would have made "caller" current here
        });
        Assert.Equal(5, await (Task<int>)pending.Call.Task);
        Assert.Equal(ActivityStatusCode.Ok, pending.Span.Status);
    }

    [Fact]
    public async Task IncomingCallWithoutTraceContextStartsANewTraceWhateverSpanIsCurrent()
    {
        using var capture = new TelemetryCapture();
        var serializer = new MessageSerializer(new NoReferences());
        var method = InterfaceMetadata.Get(typeof(IProgressObserver)).GetMethod(typeof(IProgressObserver).GetMethod(nameof(IProgressObserver.Progress))!);
        var origin = TelemetryOrigin.ForSilo("no-context-" + Guid.NewGuid());
        var request = new Message
        {
            Direction = MessageDirection.Request,
            Id = 1,
            Target = GrainId.Create(typeof(IProgressObserver).FullName!, 1),
            InterfaceName = method.InterfaceName,
            MethodKey = method.Key,
            Body = serializer.SerializeArguments(method, [1, 2]),
        };
        Message? response = null;

        // e.g. the turn of another grain that delivered this message locally
        using (var unrelated = TelemetryCapture.TestSource.StartActivity("unrelated")!)
        {
            await IncomingCallInvoker.InvokeAsync(new Observer(), request, serializer, 1 << 20, r => response = r, null, origin);
            Assert.Same(unrelated, Activity.Current);
        }

        Assert.Equal(ResponseStatus.Success, response!.ResponseStatus);
        var server = Assert.Single(capture.Spans, s => Equals(s.GetTagItem(RuntimeTelemetry.SiloTag), origin.Tag.Value));
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal(default, server.ParentSpanId);
        Assert.Null(server.Parent);
    }

    [Fact]
    public void TraceFileGetsOneJsonLinePerSpanAndBatchesDoNotRepeatEachOther()
    {
        var path = Path.Combine(Path.GetTempPath(), "orleansdist-trace-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            using var exporter = new JsonLinesActivityExporter(path, "test-service");
            var spans = Enumerable.Range(0, 3).Select(i =>
            {
                var span = new Activity("IEchoGrain/Echo").SetIdFormat(ActivityIdFormat.W3C).Start();
                span.SetTag("rpc.method", "Echo").SetTag("orleansdist.silo", "silo" + i);
                if (i == 2)
                {
                    CallSpans.Fail(span, new TimeoutException("late"));
                }

                span.Stop();
                return span;
            }).ToArray();

            Assert.Equal(OpenTelemetry.ExportResult.Success, exporter.Export(new OpenTelemetry.Batch<Activity>(spans[..2], 2)));
            Assert.Equal(OpenTelemetry.ExportResult.Success, exporter.Export(new OpenTelemetry.Batch<Activity>(spans[2..], 1)));

            var lines = File.ReadAllLines(path).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(3, lines.Count);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("test-service", lines[i].GetProperty("service").GetString());
                Assert.Equal(spans[i].SpanId.ToHexString(), lines[i].GetProperty("spanId").GetString());
                Assert.Equal("silo" + i, lines[i].GetProperty("tags").GetProperty("orleansdist.silo").GetString());
            }

            Assert.Equal("Error", lines[2].GetProperty("status").GetString());
            var exception = Assert.Single(lines[2].GetProperty("events").EnumerateArray());
            Assert.Equal(typeof(TimeoutException).FullName, exception.GetProperty("exception.type").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static MethodDescriptor EchoMethod => InterfaceMetadata.Get(typeof(IEchoGrain)).GetMethod(typeof(IEchoGrain).GetMethod(nameof(IEchoGrain.Echo))!);

    /// <summary>Registers a call as a runtime would: a Client span started, a request with an id, a completion waiting.</summary>
    private static (PendingRequest Call, Activity Span) Pending(CallbackTable callbacks, MethodDescriptor method, TimeSpan timeout)
    {
        var request = new Message
        {
            Direction = MessageDirection.Request,
            Id = callbacks.NextId(),
            Target = GrainId.Create(typeof(IEchoGrain).FullName!, 1),
            InterfaceName = method.InterfaceName,
            MethodKey = method.Key,
        };
        var activity = CallSpans.StartClient(request, method, TelemetryOrigin.ForClient("test"));
        Assert.NotNull(activity);
        var completion = method.CreateCompletion();
        callbacks.Register(request, method, completion, timeout, new SiloAddress(new IPEndPoint(IPAddress.Loopback, 1), 1), activity);
        return (new PendingRequest(request, completion.Task), activity);
    }

    private sealed record PendingRequest(Message Request, Task Task);

    private sealed class Observer : IProgressObserver
    {
        public Task Progress(int done, int total) => Task.CompletedTask;
    }

    private sealed class NoReferences : IGrainReferenceActivator
    {
        public IAddressable CreateReference(Type interfaceType, GrainId grainId) => throw new NotSupportedException();
    }
}
