namespace OrleansDist.Dashboard.Storage;

/// <summary>A timestamped event inside a span (an exception, a retry, ...).</summary>
public sealed record SpanEvent(string Name, ulong TimeUnixNano, IReadOnlyList<SpanAttribute> Attributes);
