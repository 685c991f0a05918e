namespace Dist.GrainInterfaces.Election;

/// <summary>
/// One line of a node's record of a run: a message it sent (<see cref="Kind"/> set) or something it did or noticed.
/// </summary>
/// <param name="At">When (the sending node's clock).</param>
/// <param name="Node">The node that wrote it (the sender, for a message).</param>
/// <param name="Kind">The message type; null for an event.</param>
/// <param name="To">The receiver of a message (Ring: the live successor it reached).</param>
/// <param name="Delivered">Whether the receiver took the message within the timeout.</param>
/// <param name="Skipped">Ring: dead successors tried first and skipped.</param>
/// <param name="Text">For an event: what happened; for a message: its payload in words.</param>
/// <param name="TakenAfterMs">For a delivered message: how long the receiver took to accept it.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.ElectionLogEntry")]
public sealed record ElectionLogEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Node,
    [property: Id(2)] ElectionMessageKind? Kind,
    [property: Id(3)] int To,
    [property: Id(4)] bool Delivered,
    [property: Id(5)] int[] Skipped,
    [property: Id(6)] string Text,
    [property: Id(7)] double TakenAfterMs);
