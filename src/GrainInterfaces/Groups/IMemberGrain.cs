namespace Dist.GrainInterfaces.Groups;

/// <summary>
/// A group member (key: its name): sends to destinations through a persisted outbox, and receives through a hold-back
/// queue into a persisted delivery log (each message id at most once).
/// </summary>
[Alias("Dist.Groups.IMemberGrain")]
public interface IMemberGrain : IGrainWithStringKey
{
    /// <summary>Persists the send, then hands it to the destination's outbox (retried until accepted).</summary>
    [Alias("Send")]
    Task<SendReceipt> Send(string destination, DeliveryOrder order, string text);

    /// <summary>Receives messages from a destination; answers once they are persisted (delivered or held back).</summary>
    [Alias("Deliver")]
    Task Deliver(DeliveryBatch batch);

    /// <summary>Log entries with index at least <paramref name="fromIndex"/>, at most <paramref name="max"/>.</summary>
    [Alias("GetLog")]
    Task<IReadOnlyList<LogEntry>> GetLog(long fromIndex, int max);

    /// <summary>The log entry of message <paramref name="messageId"/>, or null while it is not delivered.</summary>
    [Alias("FindDelivered")]
    Task<LogEntry?> FindDelivered(string messageId);

    [Alias("GetInfo")]
    Task<MemberInfo> GetInfo();

    /// <summary>Joins the <c>all</c> group if it has not yet (every member does on first use).</summary>
    [Alias("Register")]
    Task Register();

    [Alias("Subscribe")]
    Task Subscribe(IMemberObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IMemberObserver observer);
}
