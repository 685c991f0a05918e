namespace OrleansDist.Dashboard.Storage;

/// <summary>What <see cref="TraceStore.Add"/> did with a batch.</summary>
/// <param name="Accepted">Spans stored.</param>
/// <param name="Rejected">Spans refused because their trace already held <see cref="TraceDashboardOptions.MaxSpansPerTrace"/> spans.</param>
/// <param name="Duplicates">Spans ignored because a span with the same trace and span id was already stored (an exporter retry).</param>
/// <param name="EvictedTraces">Older traces removed to stay within the limits.</param>
public readonly record struct TraceStoreAddResult(int Accepted, int Rejected, int Duplicates, int EvictedTraces);
