using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Groups;

internal static partial class GroupsLog
{
    [LoggerMessage(EventId = 14001, Level = LogLevel.Warning, Message = "Group {Group}: delivery to {Member} failed ({Error}); retrying every {DelayMs} ms at most until it answers")]
    public static partial void DeliveryFailed(ILogger logger, string group, string member, string error, long delayMs);

    [LoggerMessage(EventId = 14002, Level = LogLevel.Information, Message = "Group {Group}: {Member} answers again after {Failures} failed deliveries; {Pending} messages follow")]
    public static partial void DeliveryResumed(ILogger logger, string group, string member, int failures, int pending);

    [LoggerMessage(EventId = 14003, Level = LogLevel.Information, Message = "Group {Group}: activated with {Pending} messages not yet delivered to every member; resuming delivery")]
    public static partial void Resuming(ILogger logger, string group, int pending);

    [LoggerMessage(EventId = 14004, Level = LogLevel.Warning, Message = "Member {Member}: {Destination} did not accept send {SendSeq} ({Error}); it stays in the outbox and is retried")]
    public static partial void HandOverFailed(ILogger logger, string member, string destination, long sendSeq, string error);

    [LoggerMessage(EventId = 14005, Level = LogLevel.Information, Message = "Member {Member}: activated with {Pending} sends not yet accepted; handing them over")]
    public static partial void SenderResuming(ILogger logger, string member, int pending);

    [LoggerMessage(EventId = 14006, Level = LogLevel.Error, Message = "Member {Member}: {Destination} expects send {Expected} but the outbox holds {SendSeq}: the destination lost state")]
    public static partial void OutOfOrder(ILogger logger, string member, string destination, long expected, long sendSeq);
}
