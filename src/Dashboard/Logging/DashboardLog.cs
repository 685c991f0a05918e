using Microsoft.Extensions.Logging;

namespace OrleansDist.Dashboard.Logging;

/// <summary>The dashboard's log messages (source-generated: no formatting cost when the level is off).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Trace dashboard listening on {BaseUri} (OTLP/HTTP traces: {OtlpTracesEndpoint})")]
    public static partial void Listening(this ILogger logger, Uri baseUri, Uri otlpTracesEndpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Rejected OTLP request from {Remote} with {StatusCode}: {Reason}")]
    public static partial void RejectedRequest(this ILogger logger, string? remote, int statusCode, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "OTLP export from {Remote}: {Accepted} spans stored, {Rejected} rejected (trace full), {Duplicates} duplicates, {Evicted} old traces evicted")]
    public static partial void Received(this ILogger logger, string? remote, int accepted, int rejected, int duplicates, int evicted);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "OTLP request from {Remote} ended early: the client went away")]
    public static partial void ClientAborted(this ILogger logger, string? remote);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Trace dashboard stopped")]
    public static partial void Stopped(this ILogger logger);
}
