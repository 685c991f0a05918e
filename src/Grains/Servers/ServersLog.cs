using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Servers;

internal static partial class ServersLog
{
    [LoggerMessage(EventId = 15001, Level = LogLevel.Information, Message = "Actor front end of silo {Silo} listening on {Endpoint}")]
    public static partial void FrontEndListening(ILogger logger, string silo, string endpoint);

    [LoggerMessage(EventId = 15002, Level = LogLevel.Warning, Message = "Actor front end: a session failed: {Error}")]
    public static partial void SessionFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 15003, Level = LogLevel.Warning, Message = "Actor front end: accept failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string error);
}
