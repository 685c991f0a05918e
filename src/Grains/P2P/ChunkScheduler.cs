namespace OrleansDist.Grains.P2P;

/// <summary>
/// Decides which chunk goes to which source. Not one fixed fragment per source: every chunk is handed out when a slot
/// frees, to the source expected to deliver it first, (chunks it already has queued + 1) × chunk size ÷ its measured
/// rate. When that best source is full, the chunk waits for it rather than going to a slower one, so a slow source
/// does not hold up the end of the download. A failed chunk goes back to the front of the queue; a source that fails
/// too often, is down, or sends a chunk that does not match its hash is dropped. Pure: times are passed in (seconds).
/// Not thread-safe; one loop drives it.
/// </summary>
public sealed class ChunkScheduler
{
    /// <summary>Consecutive call failures after which a source is dropped.</summary>
    public const int MaxConsecutiveFailures = 3;

    private readonly LinkedList<int> _pending;
    private readonly Dictionary<string, SourceState> _sources;
    private readonly Dictionary<int, int> _retries = [];
    private readonly int _parallel;
    private readonly int _chunkBytes;
    private int _inFlight;
    private int _remaining;

    /// <param name="missing">The chunks still to fetch, in the order to fetch them.</param>
    /// <param name="sources">Source names, in order of preference when nothing is measured yet.</param>
    /// <param name="parallel">Requests in flight over all sources.</param>
    /// <param name="maxPerSource">Requests in flight at one source.</param>
    /// <param name="chunkBytes">Typical chunk size (for the expected delivery times).</param>
    public ChunkScheduler(IEnumerable<int> missing, IReadOnlyList<string> sources, int parallel, int maxPerSource, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerSource, 1);
        _pending = new LinkedList<int>(missing);
        _remaining = _pending.Count;
        _parallel = parallel;
        _chunkBytes = Math.Max(1, chunkBytes);
        _sources = [];
        for (var i = 0; i < sources.Count; i++)
        {
            _sources[sources[i]] = new SourceState(i, maxPerSource);
        }
    }

    /// <summary>Chunks not yet delivered (queued or in flight).</summary>
    public int Remaining => _remaining;

    public int InFlight => _inFlight;

    public bool Done => _remaining == 0;

    /// <summary>Chunks remain but no source is left to fetch them from.</summary>
    public bool Stranded => _remaining > 0 && _sources.Values.All(s => s.Dropped is not null);

    public IEnumerable<string> LiveSources => _sources.Where(s => s.Value.Dropped is null).Select(s => s.Key);

    public string? DroppedBecause(string source) => _sources[source].Dropped;

    /// <summary>Measured delivery rate of a source, bytes/s (0 until it delivered something), as of its last delivery.</summary>
    public double Rate(string source) => _sources[source].LastRate;

    public int InFlightAt(string source) => _sources[source].InFlight;

    /// <summary>The next chunk and where to fetch it, or false when nothing should start now.</summary>
    public bool TryNext(double now, out ChunkAssignment assignment)
    {
        assignment = default;
        if (_pending.First is null || _inFlight >= _parallel)
        {
            return false;
        }

        var best = BestSource(now);
        if (best is null || best.Value.Value.InFlight >= best.Value.Value.MaxInFlight)
        {
            return false;
        }

        var (name, state) = best.Value;
        var chunk = _pending.First.Value;
        _pending.RemoveFirst();
        if (state.InFlight == 0)
        {
            state.BusySince = now;
        }

        state.InFlight++;
        _inFlight++;
        assignment = new ChunkAssignment(chunk, name, _retries.GetValueOrDefault(chunk));
        return true;
    }

    /// <summary>A verified chunk arrived from <paramref name="assignment"/>'s source.</summary>
    public void Completed(ChunkAssignment assignment, long bytes, double now)
    {
        var state = Release(assignment, now);
        state.ConsecutiveFailures = 0;
        state.Bytes += bytes;
        state.LastRate = state.RateAt(now);
        _remaining--;
    }

    /// <summary>A call failed (timeout, silo down) or the bytes did not match: the chunk goes back to the front.</summary>
    /// <param name="drop">Drop the source now (down, or it lied) instead of after repeated failures.</param>
    public void Failed(ChunkAssignment assignment, string reason, bool drop, double now)
    {
        var state = Release(assignment, now);
        _pending.AddFirst(assignment.Chunk);
        _retries[assignment.Chunk] = _retries.GetValueOrDefault(assignment.Chunk) + 1;
        state.ConsecutiveFailures++;
        if (state.Dropped is null && (drop || state.ConsecutiveFailures >= MaxConsecutiveFailures))
        {
            state.Dropped = reason;
        }
    }

    private SourceState Release(ChunkAssignment assignment, double now)
    {
        var state = _sources[assignment.Source];
        state.InFlight--;
        _inFlight--;
        if (state.InFlight == 0)
        {
            state.BusySeconds += now - state.BusySince;
        }

        return state;
    }

    private KeyValuePair<string, SourceState>? BestSource(double now)
    {
        var live = _sources.Where(s => s.Value.Dropped is null).ToList();
        if (live.Count == 0)
        {
            return null;
        }

        // an unmeasured source is assumed as fast as the fastest measured one, so every source gets tried
        var rates = live.ToDictionary(s => s.Key, s => s.Value.RateAt(now));
        var fastest = rates.Values.Max();
        KeyValuePair<string, SourceState>? best = null;
        var bestTime = double.PositiveInfinity;
        foreach (var source in live)
        {
            var rate = rates[source.Key] > 0 ? rates[source.Key] : fastest > 0 ? fastest : 1;
            var expected = (source.Value.InFlight + 1) * (double)_chunkBytes / rate;
            // ties (nothing measured yet) go to the source with fewer requests, then the earlier one
            if (expected < bestTime - 1e-12
                || (Math.Abs(expected - bestTime) <= 1e-12 && best is { } b && (source.Value.InFlight, source.Value.Order).CompareTo((b.Value.InFlight, b.Value.Order)) < 0))
            {
                best = source;
                bestTime = expected;
            }
        }

        return best;
    }

    /// <summary>
    /// A source's bookkeeping. Its rate is the bytes it delivered over the time it had requests in flight: robust to
    /// chunks that arrive together (one chunk's own latency would understate a source serving several at once, and the
    /// gap between two chunks arriving together would overstate it).
    /// </summary>
    private sealed class SourceState(int order, int maxInFlight)
    {
        public int Order { get; } = order;

        public int MaxInFlight { get; } = maxInFlight;

        public int InFlight { get; set; }

        public long Bytes { get; set; }

        public double BusySince { get; set; }

        public double BusySeconds { get; set; }

        public double LastRate { get; set; }

        public int ConsecutiveFailures { get; set; }

        public string? Dropped { get; set; }

        public double RateAt(double now)
        {
            var busy = BusySeconds + (InFlight > 0 ? now - BusySince : 0);
            return Bytes > 0 && busy > 0 ? Bytes / busy : 0;
        }
    }
}
