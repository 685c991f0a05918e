namespace OrleansDist.Dashboard.Storage;

/// <summary>A copy of one trace at one moment: later spans do not change it.</summary>
public sealed record TraceSnapshot(TraceSummary Summary, IReadOnlyList<StoredSpan> Spans)
{
    public string TraceId => Summary.TraceId;

    /// <summary>The span with this id, or null.</summary>
    public StoredSpan? FindSpan(string spanId)
    {
        foreach (var span in Spans)
        {
            if (span.SpanId == spanId)
            {
                return span;
            }
        }

        return null;
    }

    /// <summary>Spans that name no parent or whose parent is not in this trace, earliest first.</summary>
    public IReadOnlyList<StoredSpan> Roots
    {
        get
        {
            var ids = new HashSet<string>(Spans.Select(s => s.SpanId), StringComparer.Ordinal);
            return [.. Spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartUnixNano)];
        }
    }
}
