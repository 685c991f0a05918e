namespace OrleansDist.Dashboard.Storage;

/// <summary>One line of the trace list.</summary>
/// <param name="RootName">Name of the root span: the earliest span with no parent, or whose parent has not arrived.</param>
/// <param name="Start">Earliest span start.</param>
/// <param name="Duration">Latest span end minus earliest span start.</param>
/// <param name="Services">Service names in order of first appearance.</param>
/// <param name="ErrorCount">Spans whose status is Error.</param>
/// <param name="DroppedSpanCount">Spans refused because the trace was full.</param>
/// <param name="LastReceived">When the store last added a span to this trace (the store's clock).</param>
/// <param name="Version">Changes whenever the trace gains spans.</param>
public sealed record TraceSummary(
    string TraceId,
    string RootName,
    DateTime Start,
    TimeSpan Duration,
    int SpanCount,
    IReadOnlyList<string> Services,
    int ErrorCount,
    int DroppedSpanCount,
    DateTimeOffset LastReceived,
    long Version);
