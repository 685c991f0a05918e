using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>A message the rules want sent; <see cref="To"/> null means "the next live successor in the ring".</summary>
public sealed record OutgoingMessage(int? To, ElectionMessage Message);

/// <summary>Which wait a timer ends.</summary>
public enum ElectionTimerKind
{
    /// <summary>Bully: no OK came from a higher node.</summary>
    OkTimeout,

    /// <summary>Bully: an OK came, but no COORDINATOR after it.</summary>
    CoordinatorTimeout,

    /// <summary>Ring: the initiator's message did not come back.</summary>
    RingTimeout,
}

/// <summary>A timer the rules ask for; it fires into <see cref="IElectionRules.OnTimer"/> and is ignored if the rules moved on (epoch).</summary>
public sealed record ElectionTimer(ElectionTimerKind Kind, int Epoch, TimeSpan Delay);

/// <summary>What a node does in answer to one event: messages to send, a timer to set, and a note for the record.</summary>
public sealed record NodeStep(IReadOnlyList<OutgoingMessage> Send, ElectionTimer? Timer, string? Note)
{
    public static NodeStep None { get; } = new([], null, null);

    /// <summary>This step's messages and notes followed by <paramref name="next"/>'s; the later timer wins.</summary>
    public NodeStep Then(NodeStep next) => new(
        [.. Send, .. next.Send],
        next.Timer ?? Timer,
        Note is null ? next.Note : next.Note is null ? Note : $"{Note}; {next.Note}");
}
