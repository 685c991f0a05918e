using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// The Ring algorithm for one node (Chang-Roberts as the course teaches it). The nodes form a ring in id order; the
/// initiator sends ELECTION carrying its id to its successor, each node adds its own id and passes it on (the sender
/// skips dead successors), and when the message is back at the initiator the highest id collected wins: a COORDINATOR
/// message goes round once. Several initiators each send their own messages round, and all name the same winner.
/// </summary>
public sealed class RingRules : IElectionRules
{
    private enum Phase
    {
        Idle,
        AwaitingElection,
        AwaitingCoordinator,
    }

    private readonly int _nodes;
    private readonly string _runId;
    private readonly ElectionTimings _timings;
    private Phase _phase = Phase.Idle;
    private int _epoch;

    public RingRules(int id, IReadOnlyCollection<int> ids, int coordinator, string runId, ElectionTimings timings)
    {
        Id = id;
        _nodes = ids.Count;
        Coordinator = coordinator;
        _runId = runId;
        _timings = timings;
    }

    public int Id { get; }

    public int Coordinator { get; private set; }

    public bool Electing => _phase != Phase.Idle;

    /// <summary>The other nodes in the order a message from <paramref name="id"/> tries them: the ring successor first.</summary>
    public static int[] Successors(int id, IEnumerable<int> ids)
    {
        var sorted = ids.Order().ToArray();
        return [.. sorted.Where(i => i > id), .. sorted.Where(i => i < id)];
    }

    public NodeStep StartElection()
    {
        if (_phase != Phase.Idle)
        {
            return NodeStep.None;
        }

        _phase = Phase.AwaitingElection;
        _epoch++;
        return new NodeStep(
            [Forward(new ElectionMessage(_runId, ElectionMessageKind.Election, Id, Id, [Id], 0, 0))],
            RingTimer(),
            "starts an election: ELECTION [" + Id + "] to its successor");
    }

    public NodeStep Receive(ElectionMessage message)
    {
        if (message.Kind == ElectionMessageKind.Election)
        {
            if (message.Initiator == Id)
            {
                if (_phase != Phase.AwaitingElection)
                {
                    return new NodeStep([], null, "its old ELECTION came back late: dropped");
                }

                var winner = message.Ids.Max();
                Coordinator = winner;
                _phase = Phase.AwaitingCoordinator;
                _epoch++;
                return new NodeStep(
                    [Forward(message with { Kind = ElectionMessageKind.Coordinator, Coordinator = winner })],
                    RingTimer(),
                    $"ELECTION came back with [{string.Join(", ", message.Ids)}]: {winner} wins; COORDINATOR round the ring");
            }

            if (message.Ids.Contains(Id))
            {
                // it went round without reaching its initiator, which must have died: stop it
                return new NodeStep([], null, $"ELECTION of {message.Initiator} came round again (its initiator is gone): dropped");
            }

            return new NodeStep([Forward(message with { Ids = [.. message.Ids, Id] })], null, null);
        }

        if (message.Kind == ElectionMessageKind.Coordinator)
        {
            Coordinator = message.Coordinator;
            if (message.Initiator == Id)
            {
                if (_phase == Phase.AwaitingCoordinator)
                {
                    _phase = Phase.Idle;
                    _epoch++;
                    return new NodeStep([], null, $"COORDINATOR {message.Coordinator} came back: election over");
                }

                return NodeStep.None;
            }

            return message.Hops >= 2 * _nodes
                ? new NodeStep([], null, $"COORDINATOR of {message.Initiator} went round twice (its initiator is gone): dropped")
                : new NodeStep([Forward(message)], null, null);
        }

        return NodeStep.None;
    }

    public NodeStep OnTimer(ElectionTimer timer)
    {
        if (timer.Epoch != _epoch || timer.Kind != ElectionTimerKind.RingTimeout || _phase == Phase.Idle)
        {
            return NodeStep.None;
        }

        _phase = Phase.Idle;
        var again = StartElection();
        return again with { Note = $"its message did not come back within {_timings.RingWait(_nodes).TotalMilliseconds:0} ms; {again.Note}" };
    }

    public NodeStep NoLiveSuccessor(ElectionMessage message)
    {
        // every other node is dead: this one is the ring
        Coordinator = Id;
        _phase = Phase.Idle;
        _epoch++;
        return new NodeStep([], null, "no live successor: I am the coordinator");
    }

    private ElectionTimer RingTimer() => new(ElectionTimerKind.RingTimeout, _epoch, _timings.RingWait(_nodes));

    private OutgoingMessage Forward(ElectionMessage message) => new(null, message with { From = Id, Hops = message.Hops + 1 });
}
