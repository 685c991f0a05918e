using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Runtime.Messaging;

internal static partial class MessagingLog
{
    [LoggerMessage(1000, LogLevel.Warning, "Refused connection from {Remote}: {Reason}")]
    public static partial void RefusedConnection(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(1001, LogLevel.Error, "Connection to {Remote} was refused by the remote side: {Reason}")]
    public static partial void RefusedByRemote(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Closing connection {Connection}: {Reason}")]
    public static partial void ClosingOnBadInput(ILogger logger, string connection, string reason);

    [LoggerMessage(1003, LogLevel.Debug, "Connection {Connection} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connection, string reason);

    [LoggerMessage(1004, LogLevel.Information, "Listening for {Role} connections on {Endpoint}")]
    public static partial void Listening(ILogger logger, string role, EndPoint endpoint);

    [LoggerMessage(1005, LogLevel.Debug, "Connection {Connection} established")]
    public static partial void ConnectionEstablished(ILogger logger, string connection);

    [LoggerMessage(1006, LogLevel.Warning, "Could not deliver {Message}: {Reason}")]
    public static partial void Undeliverable(ILogger logger, string message, string reason);

    [LoggerMessage(1007, LogLevel.Warning, "Could not connect to {Target}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string target, string reason);

    [LoggerMessage(1008, LogLevel.Warning, "Dropping a message from {Connection} that could not be processed: {Reason}")]
    public static partial void BadMessage(ILogger logger, string connection, string reason);

    [LoggerMessage(1009, LogLevel.Debug, "Handshake with {Remote} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string reason);
}
