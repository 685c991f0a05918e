using System.Diagnostics;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Spans of the download protocol: a fetcher's work, each connection to the line server, each SUBMIT, and the
/// collection's restarts of silent fetchers. Work the collection does from its timer joins the download's trace through
/// the traceparent kept with the request, so one download is one trace.
/// </summary>
public static class LineDownloadTelemetry
{
    public const string SourceName = "OrleansDist.Grains.LineDownload";

    internal static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>
    /// Starts a span under <paramref name="traceParent"/> (the download's root span), whatever span happens to be current:
    /// timer ticks run between other calls' turns and must not hang their work under those.
    /// </summary>
    internal static Activity? StartInTrace(string name, ActivityKind kind, string? traceParent)
    {
        if (traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return Source.StartActivity(name, kind, parent);
        }

        return Source.StartActivity(name, kind);
    }
}
