using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.LineDownload;

internal static partial class LineDownloadLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Download {DownloadId}: {Fetchers} fetchers, {ExpectedLines} lines from {Server}, entry {Entry}")]
    public static partial void DownloadStarted(ILogger logger, string downloadId, int fetchers, int expectedLines, string server, string entry);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Download {DownloadId}: all {Lines} lines collected after {ElapsedMs} ms; submitting")]
    public static partial void DownloadComplete(ILogger logger, string downloadId, int lines, long elapsedMs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Download {DownloadId}: server replied to SUBMIT: {Reply}")]
    public static partial void Submitted(ILogger logger, string downloadId, string reply);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Download {DownloadId}: SUBMIT attempt {Attempt} failed: {Error}")]
    public static partial void SubmitFailed(ILogger logger, string downloadId, int attempt, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Download {DownloadId}: fetcher {Index} silent for {SilentMs} ms; starting it again on silo {Silo}")]
    public static partial void RestartingFetcher(ILogger logger, string downloadId, int index, long silentMs, string silo);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Download {DownloadId}: could not start fetcher {Index}: {Error}")]
    public static partial void FetcherStartFailed(ILogger logger, string downloadId, int index, string error);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Download {DownloadId}: fetcher {Index} sent line {Number} with a text that differs from the one collected; kept the first")]
    public static partial void ConflictingLine(ILogger logger, string downloadId, int index, int number);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Error, Message = "Download {DownloadId} failed: {Error}")]
    public static partial void DownloadFailed(ILogger logger, string downloadId, string error);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Fetcher {FetcherId}: connected to {Server} from {Local}")]
    public static partial void Connected(ILogger logger, string fetcherId, string server, string local);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Fetcher {FetcherId}: cannot connect to {Server} from {Source}: {Error}; retrying in {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, string fetcherId, string server, string source, string error, long delayMs);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Fetcher {FetcherId}: {Error}; reconnecting in {DelayMs} ms (lines held back from that connection were dropped)")]
    public static partial void ConnectionLost(ILogger logger, string fetcherId, string error, long delayMs);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Fetcher {FetcherId}: cannot hand {Lines} lines to the collection ({Error}); keeping them and retrying")]
    public static partial void HandOverFailed(ILogger logger, string fetcherId, int lines, string error);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Fetcher {FetcherId}: the server answered SESSION RESET with \"{Reply}\"; going on with the existing session")]
    public static partial void SessionResetRefused(ILogger logger, string fetcherId, string reply);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "Fetcher {FetcherId}: the collection has been unreachable for over {TimeoutMs} ms; stopping and closing the connection (a replacement fetcher takes over)")]
    public static partial void GivingUp(ILogger logger, string fetcherId, int timeoutMs);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "Fetcher {FetcherId}: stopped after {Requests} requests, {Lines} lines received, {MinusOne} -1 replies")]
    public static partial void Stopped(ILogger logger, string fetcherId, long requests, long lines, long minusOne);
}
