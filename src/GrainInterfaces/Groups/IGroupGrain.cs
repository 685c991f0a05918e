namespace Dist.GrainInterfaces.Groups;

/// <summary>
/// A multicast group (key: its name; <c>all</c> always exists, <c>member:N</c> is member N's own unicast channel): its
/// membership, its sequencer (total order), and a persisted outbox fanned out to every member with retries.
/// </summary>
[Alias("Dist.Groups.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    /// <summary>Creates the group; true if it was new.</summary>
    [Alias("Create")]
    Task<bool> Create();

    /// <summary>Adds a member; true if it was not one. Throws <see cref="InvalidOperationException"/> for a group never created.</summary>
    [Alias("Join")]
    Task<bool> Join(string member);

    /// <summary>Removes a member (messages not yet delivered to it are dropped for it); true if it was one.</summary>
    [Alias("Leave")]
    Task<bool> Leave(string member);

    [Alias("GetInfo")]
    Task<GroupInfo> GetInfo();

    /// <summary>
    /// Persists the messages (one sender's, in its order) in the outbox, numbering them for total order, answers with one
    /// acknowledgement per message, then delivers them to every member.
    /// </summary>
    [Alias("Multicast")]
    Task<IReadOnlyList<MulticastAck>> Multicast(IReadOnlyList<GroupMessage> messages);
}
