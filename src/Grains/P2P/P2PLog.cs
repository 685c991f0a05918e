using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.P2P;

internal static partial class P2PLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Peer {Peer}: refused {Operation}: {Reason}")]
    public static partial void Refused(ILogger logger, string peer, string operation, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Peer {Peer}: shares {Path} ({Size} bytes, SHA-256 {Sha256})")]
    public static partial void Shared(ILogger logger, string peer, string path, long size, string sha256);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Download of {Path} to {Target}: {Chunks} chunks, {Resumed} kept from an earlier attempt, sources {Sources}")]
    public static partial void DownloadStarted(ILogger logger, string path, string target, int chunks, int resumed, string sources);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Download of {Path}: source {Source} dropped: {Reason}")]
    public static partial void SourceDropped(ILogger logger, string path, string source, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Download of {Path}: chunk {Chunk} from {Source} failed: {Error}")]
    public static partial void ChunkFailed(ILogger logger, string path, int chunk, string source, string error);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Download of {Path} complete: {Size} bytes verified (SHA-256 {Sha256}) in {Seconds:0.00} s")]
    public static partial void DownloadCompleted(ILogger logger, string path, long size, string sha256, double seconds);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "Download of {Path} failed: {Error}")]
    public static partial void DownloadFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "Peer {Peer}: heartbeat to the tracker failed: {Error}")]
    public static partial void HeartbeatFailed(ILogger logger, string peer, string error);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information, Message = "Tracker: {Change}; {Count} live peers")]
    public static partial void PeersChanged(ILogger logger, string change, int count);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Download of {Path}: chunk {Chunk} kept from the earlier attempt no longer matches its hash; fetching it again")]
    public static partial void ResumedChunkBad(ILogger logger, string path, int chunk);
}
