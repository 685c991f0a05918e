using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Tests;

public sealed class TraceStoreTests
{
    private static StoredSpan Span(string traceId, string spanId, string? parent, string service = "svc", ulong startMs = 0, ulong durationMs = 10, string? name = null) => new()
    {
        TraceId = traceId,
        SpanId = spanId,
        ParentSpanId = parent,
        Name = name ?? "span-" + spanId,
        ServiceName = service,
        StartUnixNano = 1_000_000_000_000_000_000 + (startMs * 1_000_000),
        EndUnixNano = 1_000_000_000_000_000_000 + ((startMs + durationMs) * 1_000_000),
    };

    private static string T(int n) => n.ToString("x32");

    private static string S(int n) => n.ToString("x16");

    [Fact]
    public void SpansFromSeveralBatchesAndServicesMergeIntoOneTrace()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(2), S(1), "silo-1", startMs: 5)]);
        store.Add([Span(T(1), S(1), null, "client", startMs: 0, durationMs: 100, name: "download")]);
        store.Add([Span(T(1), S(3), S(2), "silo-2", startMs: 10, durationMs: 200)]);

        Assert.True(store.TryGetTrace(T(1), out var trace));
        var summary = Assert.Single(store.GetTraces());
        Assert.Equal(3, summary.SpanCount);
        Assert.Equal("download", summary.RootName);
        Assert.Equal(["silo-1", "client", "silo-2"], summary.Services);
        Assert.Equal(TimeSpan.FromMilliseconds(210), summary.Duration);
        Assert.Equal(S(1), Assert.Single(trace.Roots).SpanId);
    }

    [Fact]
    public void RootIsTheEarliestSpanWhoseParentHasNotArrived()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(3), S(2), startMs: 20, name: "late-orphan"), Span(T(1), S(4), S(9), startMs: 10, name: "early-orphan")]);
        Assert.Equal("early-orphan", store.GetTraces()[0].RootName);

        store.Add([Span(T(1), S(9), null, startMs: 0, durationMs: 50, name: "real-root")]);
        Assert.Equal("real-root", store.GetTraces()[0].RootName);
    }

    [Fact]
    public void ListIsNewestFirstAndHonoursTheLimit()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(1), null, startMs: 100), Span(T(2), S(1), null, startMs: 300), Span(T(3), S(1), null, startMs: 200)]);
        Assert.Equal([T(2), T(3), T(1)], store.GetTraces().Select(t => t.TraceId));
        Assert.Equal([T(2), T(3)], store.GetTraces(limit: 2).Select(t => t.TraceId));
    }

    [Fact]
    public void LeastRecentlyUpdatedTraceIsEvictedBeyondMaxTraces()
    {
        var store = new TraceStore(new TraceDashboardOptions { MaxTraces = 2 });
        store.Add([Span(T(1), S(1), null)]);
        store.Add([Span(T(2), S(1), null)]);
        store.Add([Span(T(1), S(2), S(1))]); // trace 1 is now the most recently updated
        var result = store.Add([Span(T(3), S(1), null)]);

        Assert.Equal(1, result.EvictedTraces);
        Assert.Equal(2, store.TraceCount);
        Assert.False(store.TryGetTrace(T(2), out _));
        Assert.True(store.TryGetTrace(T(1), out var kept));
        Assert.Equal(2, kept.Spans.Count);
        Assert.Equal(3, store.SpanCount);
    }

    [Fact]
    public void SpansBeyondMaxSpansPerTraceAreRejectedAndCounted()
    {
        var store = new TraceStore(new TraceDashboardOptions { MaxSpansPerTrace = 3, MaxTotalSpans = 10 });
        var result = store.Add(Enumerable.Range(1, 5).Select(i => Span(T(1), S(i), null)));

        Assert.Equal(new TraceStoreAddResult(3, 2, 0, 0), result);
        var summary = store.GetTraces()[0];
        Assert.Equal(3, summary.SpanCount);
        Assert.Equal(2, summary.DroppedSpanCount);
    }

    [Fact]
    public void TotalSpanLimitEvictsOldTracesButNeverTheOnlyOne()
    {
        var store = new TraceStore(new TraceDashboardOptions { MaxSpansPerTrace = 4, MaxTotalSpans = 6 });
        store.Add(Enumerable.Range(1, 4).Select(i => Span(T(1), S(i), null)));
        store.Add(Enumerable.Range(1, 4).Select(i => Span(T(2), S(i), null)));

        Assert.Equal(1, store.TraceCount);
        Assert.True(store.TryGetTrace(T(2), out _));
        Assert.Equal(4, store.SpanCount);
    }

    [Fact]
    public void RetriedSpansAreNotStoredTwice()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(1), null)]);
        var result = store.Add([Span(T(1), S(1), null), Span(T(1), S(2), S(1))]);

        Assert.Equal(new TraceStoreAddResult(1, 0, 1, 0), result);
        Assert.Equal(2, store.SpanCount);
    }

    [Fact]
    public void SnapshotsDoNotChangeWhenSpansArrive()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(1), null)]);
        Assert.True(store.TryGetTrace(T(1), out var before));
        store.Add([Span(T(1), S(2), S(1))]);

        Assert.Single(before.Spans);
        Assert.Equal(1, before.Summary.SpanCount);
        Assert.True(store.TryGetTrace(T(1).ToUpperInvariant(), out var after));
        Assert.Equal(2, after.Spans.Count);
        Assert.NotEqual(before.Summary.Version, after.Summary.Version);
    }

    [Fact]
    public async Task ConcurrentWritersAndReadersSeeConsistentTraces()
    {
        var store = new TraceStore(new TraceDashboardOptions { MaxTraces = 50, MaxSpansPerTrace = 1000, MaxTotalSpans = 100_000 });
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                // Each writer adds two spans per trace to 40 shared traces.
                store.Add([Span(T(i % 40), S((w * 10_000) + (2 * i)), null), Span(T(i % 40), S((w * 10_000) + (2 * i) + 1), S((w * 10_000) + (2 * i)))]);
            }
        }));
        var reader = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                foreach (var summary in store.GetTraces())
                {
                    Assert.True(summary.SpanCount % 2 == 0, "a batch was seen half-applied");
                }
            }
        });
        await Task.WhenAll([.. writers, reader]);

        Assert.Equal(40, store.TraceCount);
        Assert.Equal(4 * 500 * 2, store.SpanCount);
    }

    [Fact]
    public async Task WaitForTraceCompletesWhenAMatchingTraceArrives()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = store.WaitForTraceAsync(t => t.Summary.Services.Count == 2, timeout.Token);
        store.Add([Span(T(1), S(1), null, "a")]);
        Assert.False(waiting.IsCompleted);
        store.Add([Span(T(1), S(2), S(1), "b")]);

        var trace = await waiting;
        Assert.Equal(T(1), trace.TraceId);
    }

    [Fact]
    public void ClearForgetsEverything()
    {
        var store = new TraceStore(new TraceDashboardOptions());
        store.Add([Span(T(1), S(1), null)]);
        store.Clear();
        Assert.Equal(0, store.TraceCount);
        Assert.Empty(store.GetTraces());
    }

    [Theory]
    [InlineData(0, "MaxTraces")]
    [InlineData(-1, "Port")]
    public void InvalidOptionsAreRefusedWithTheReason(int value, string property)
    {
        var options = new TraceDashboardOptions();
        typeof(TraceDashboardOptions).GetProperty(property)!.SetValue(options, value);
        var error = Assert.Throws<ArgumentException>(() => new TraceStore(options));
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }
}
