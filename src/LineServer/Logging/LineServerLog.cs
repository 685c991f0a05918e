using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansDist.LineServer.Logging;

/// <summary>Every log message of the line server, source-generated. Event ids 9800-9899.</summary>
internal static partial class LineServerLog
{
    [LoggerMessage(9800, LogLevel.Information, "Line server listening on {EndPoint}: {Lines} lines, {Rate} lines/s per session (burst {Burst}), {MaxConnectionsPerIp} connection(s) per IP, {ReplyWrites} replies, fault rate {FaultRate}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, int lines, double rate, double burst, int maxConnectionsPerIp, ReplyWriteMode replyWrites, double faultRate);

    [LoggerMessage(9801, LogLevel.Information, "Line server on {EndPoint} stopped")]
    public static partial void Stopped(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(9802, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} opened ({OpenConnections} open for this IP)")]
    public static partial void Connected(ILogger logger, long connectionId, EndPoint? remoteEndPoint, int openConnections);

    [LoggerMessage(9803, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} closed: {Reason}; {LinesSent} lines sent on it")]
    public static partial void Disconnected(ILogger logger, long connectionId, EndPoint? remoteEndPoint, string reason, long linesSent);

    [LoggerMessage(9804, LogLevel.Information, "Refused connection {ConnectionId} from {ClientAddress}: it already has {Limit} open (limit per IP)")]
    public static partial void TooManyConnections(ILogger logger, long connectionId, IPAddress clientAddress, int limit);

    [LoggerMessage(9805, LogLevel.Warning, "Connection {ConnectionId} from {ClientAddress} sent a line longer than {MaxLength} bytes: closing it")]
    public static partial void LineTooLong(ILogger logger, long connectionId, IPAddress clientAddress, int maxLength);

    [LoggerMessage(9806, LogLevel.Information, "Score: {Entry} from {ClientAddress}: {Correct} correct, {Incorrect} incorrect, {LinesRead} read; {ScoreMs} ms since the session started ({LinesSentSession} lines sent to the session)")]
    public static partial void SubmitSucceeded(ILogger logger, string entry, IPAddress clientAddress, int correct, int incorrect, int linesRead, long scoreMs, long linesSentSession);

    [LoggerMessage(9807, LogLevel.Warning, "SUBMIT {Entry} from {ClientAddress} failed: {Reason} ({Correct} correct, {Incorrect} incorrect, {LinesRead} read before it; {ScoreMs} ms since the session started)")]
    public static partial void SubmitFailed(ILogger logger, string entry, IPAddress clientAddress, string reason, int correct, int incorrect, int linesRead, long scoreMs);

    [LoggerMessage(9808, LogLevel.Information, "Session of {ClientAddress} reset")]
    public static partial void SessionReset(ILogger logger, IPAddress clientAddress);

    [LoggerMessage(9809, LogLevel.Debug, "Connection {ConnectionId} from {ClientAddress}: unknown command '{Command}'")]
    public static partial void UnknownCommand(ILogger logger, long connectionId, IPAddress clientAddress, string command);

    [LoggerMessage(9810, LogLevel.Warning, "Accepting a connection failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(9811, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} failed")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, EndPoint? remoteEndPoint, Exception exception);

    [LoggerMessage(9812, LogLevel.Error, "A Submitted event handler threw; the submission stands")]
    public static partial void SubmittedHandlerFailed(ILogger logger, Exception exception);
}
