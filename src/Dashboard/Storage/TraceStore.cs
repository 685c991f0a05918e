namespace OrleansDist.Dashboard.Storage;

/// <summary>
/// Bounded, thread-safe, in-memory store of received spans grouped by trace id. Spans of one trace may arrive from many
/// processes in many batches; they all land in the same trace. When a limit is exceeded the least recently updated
/// traces are evicted first, so a long-running trace that keeps receiving spans survives a flood of short ones.
/// </summary>
public sealed class TraceStore
{
    // One lock: a batch is applied atomically and readers see whole batches. Work under it is O(batch) for writes and
    // O(traces) for the list (summaries are cached per trace), which is far below what an exporter can send.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TraceEntry> _traces = new(StringComparer.Ordinal);
    private readonly LinkedList<TraceEntry> _byRecency = new(); // first = least recently updated
    private readonly TimeProvider _timeProvider;
    private int _totalSpans;
    private long _version;
    private TaskCompletionSource _changed = NewSignal();

    public TraceStore(TraceDashboardOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        MaxTraces = options.MaxTraces;
        MaxSpansPerTrace = options.MaxSpansPerTrace;
        MaxTotalSpans = options.MaxTotalSpans;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public int MaxTraces { get; }

    public int MaxSpansPerTrace { get; }

    public int MaxTotalSpans { get; }

    /// <summary>Number of traces held.</summary>
    public int TraceCount
    {
        get
        {
            lock (_gate)
            {
                return _traces.Count;
            }
        }
    }

    /// <summary>Number of spans held, all traces together.</summary>
    public int SpanCount
    {
        get
        {
            lock (_gate)
            {
                return _totalSpans;
            }
        }
    }

    /// <summary>Increases whenever the content changes; use with <see cref="WaitForChangeAsync"/>.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Adds a batch atomically: readers see all of it or none of it.</summary>
    public TraceStoreAddResult Add(IEnumerable<StoredSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int accepted = 0, rejected = 0, duplicates = 0, evicted = 0;
        var changed = new HashSet<TraceEntry>();
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var entry))
                {
                    entry = new TraceEntry(span.TraceId);
                    entry.Node = _byRecency.AddLast(entry);
                    _traces.Add(span.TraceId, entry);
                }
                else if (entry.Node!.Next is not null)
                {
                    _byRecency.Remove(entry.Node);
                    _byRecency.AddLast(entry.Node);
                }

                if (entry.SpanIds.Contains(span.SpanId))
                {
                    duplicates++;
                }
                else if (entry.Spans.Count >= MaxSpansPerTrace)
                {
                    entry.DroppedSpanCount++;
                    changed.Add(entry);
                    rejected++;
                }
                else
                {
                    entry.Append(span, now);
                    changed.Add(entry);
                    _totalSpans++;
                    accepted++;
                }
            }

            // Never evict the last trace: it holds at most MaxSpansPerTrace <= MaxTotalSpans spans.
            while (_traces.Count > 1 && (_traces.Count > MaxTraces || _totalSpans > MaxTotalSpans))
            {
                var oldest = _byRecency.First!.Value;
                _byRecency.RemoveFirst();
                _traces.Remove(oldest.TraceId);
                _totalSpans -= oldest.Spans.Count;
                evicted++;
            }

            if (changed.Count > 0 || evicted > 0)
            {
                _version++;
                foreach (var entry in changed)
                {
                    entry.Version = _version;
                }

                SignalChange();
            }
        }

        return new TraceStoreAddResult(accepted, rejected, duplicates, evicted);
    }

    /// <summary>Summaries of the held traces, newest start first.</summary>
    /// <param name="limit">At most this many; null = all.</param>
    public IReadOnlyList<TraceSummary> GetTraces(int? limit = null)
    {
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
        }

        TraceSummary[] summaries;
        lock (_gate)
        {
            summaries = new TraceSummary[_traces.Count];
            var i = 0;
            foreach (var entry in _traces.Values)
            {
                summaries[i++] = entry.GetSummary();
            }
        }

        Array.Sort(summaries, static (a, b) =>
        {
            var byStart = b.Start.CompareTo(a.Start);
            return byStart != 0 ? byStart : string.CompareOrdinal(a.TraceId, b.TraceId);
        });
        return limit is { } max && max < summaries.Length ? summaries[..max] : summaries;
    }

    /// <summary>A copy of one trace, spans in arrival order; false when the trace is not held (never arrived or evicted).</summary>
    /// <param name="traceId">32 hex digits, either case.</param>
    public bool TryGetTrace(string traceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TraceSnapshot? trace)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        lock (_gate)
        {
            if (_traces.TryGetValue(traceId.ToLowerInvariant(), out var entry))
            {
                trace = new TraceSnapshot(entry.GetSummary(), [.. entry.Spans]);
                return true;
            }
        }

        trace = null;
        return false;
    }

    /// <summary>Copies of every held trace, newest start first.</summary>
    public IReadOnlyList<TraceSnapshot> GetAllTraces()
    {
        var result = new List<TraceSnapshot>();
        foreach (var summary in GetTraces())
        {
            if (TryGetTrace(summary.TraceId, out var trace))
            {
                result.Add(trace);
            }
        }

        return result;
    }

    /// <summary>Removes every trace.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _traces.Clear();
            _byRecency.Clear();
            _totalSpans = 0;
            _version++;
            SignalChange();
        }
    }

    /// <summary>Completes when <see cref="Version"/> differs from <paramref name="knownVersion"/>.</summary>
    public Task WaitForChangeAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        Task changed;
        lock (_gate)
        {
            if (_version != knownVersion)
            {
                return Task.CompletedTask;
            }

            changed = _changed.Task;
        }

        return changed.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until some held trace satisfies <paramref name="predicate"/> and returns it (tests: "the download trace has
    /// arrived with spans from both silos"). Exporters send in batches, so a trace usually completes over several changes.
    /// </summary>
    public async Task<TraceSnapshot> WaitForTraceAsync(Func<TraceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            var version = Version;
            foreach (var trace in GetAllTraces())
            {
                if (predicate(trace))
                {
                    return trace;
                }
            }

            await WaitForChangeAsync(version, cancellationToken).ConfigureAwait(false);
        }
    }

    private void SignalChange()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One trace's spans and the incrementally kept facts its summary needs. Guarded by the store's lock.</summary>
    private sealed class TraceEntry(string traceId)
    {
        private readonly List<string> _services = [];
        private TraceSummary? _summary;
        private ulong _minStart = ulong.MaxValue;
        private ulong _maxEnd;
        private int _errorCount;
        private DateTimeOffset _lastReceived;

        public string TraceId { get; } = traceId;

        public List<StoredSpan> Spans { get; } = [];

        public HashSet<string> SpanIds { get; } = new(StringComparer.Ordinal);

        public LinkedListNode<TraceEntry>? Node { get; set; }

        public int DroppedSpanCount { get; set; }

        public long Version { get; set; }

        public void Append(StoredSpan span, DateTimeOffset now)
        {
            Spans.Add(span);
            SpanIds.Add(span.SpanId);
            _minStart = Math.Min(_minStart, span.StartUnixNano);
            _maxEnd = Math.Max(_maxEnd, Math.Max(span.EndUnixNano, span.StartUnixNano));
            if (!_services.Contains(span.ServiceName))
            {
                _services.Add(span.ServiceName);
            }

            if (span.StatusCode == SpanStatusCode.Error)
            {
                _errorCount++;
            }

            _lastReceived = now;
            _summary = null;
        }

        public TraceSummary GetSummary()
        {
            if (_summary is { } cached && cached.Version == Version)
            {
                return cached;
            }

            StoredSpan? root = null;
            foreach (var span in Spans)
            {
                var isRoot = span.ParentSpanId is null || !SpanIds.Contains(span.ParentSpanId);
                if (isRoot && (root is null || span.StartUnixNano < root.StartUnixNano))
                {
                    root = span;
                }
            }

            root ??= Spans.Count > 0 ? Spans.MinBy(s => s.StartUnixNano) : null;
            var start = Spans.Count > 0 ? _minStart : 0;
            _summary = new TraceSummary(
                TraceId,
                root?.Name ?? "",
                StoredSpan.UnixNanoToUtc(start),
                TimeSpan.FromTicks((long)((_maxEnd - Math.Min(start, _maxEnd)) / 100)),
                Spans.Count,
                [.. _services],
                _errorCount,
                DroppedSpanCount,
                _lastReceived,
                Version);
            return _summary;
        }
    }
}
