using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// The Bully algorithm for one node. A node that starts an election sends ELECTION to every higher id; a higher node
/// that is alive answers OK and starts its own election; a node that hears no OK within the timeout is the highest alive
/// and sends COORDINATOR to every lower id. A node that got an OK but then no COORDINATOR elects again; a node told of a
/// lower coordinator while it is alive (it has just recovered, or an OK came too late) bullies it with an election.
/// </summary>
public sealed class BullyRules : IElectionRules
{
    private enum Phase
    {
        Idle,
        AwaitingOk,
        AwaitingCoordinator,
    }

    private readonly int[] _higher;
    private readonly int[] _lower;
    private readonly string _runId;
    private readonly ElectionTimings _timings;
    private Phase _phase = Phase.Idle;
    private int _epoch;

    public BullyRules(int id, IReadOnlyCollection<int> ids, int coordinator, string runId, ElectionTimings timings)
    {
        Id = id;
        _higher = [.. ids.Where(i => i > id).Order()];
        // COORDINATOR goes to the lower ids from the highest down: the nodes most likely to be waiting for it first
        _lower = [.. ids.Where(i => i < id).OrderDescending()];
        Coordinator = coordinator;
        _runId = runId;
        _timings = timings;
    }

    public int Id { get; }

    public int Coordinator { get; private set; }

    public bool Electing => _phase != Phase.Idle;

    public NodeStep StartElection()
    {
        if (_phase != Phase.Idle)
        {
            return NodeStep.None;
        }

        if (_higher.Length == 0)
        {
            return Win("no node has a higher id");
        }

        _phase = Phase.AwaitingOk;
        _epoch++;
        return new NodeStep(
            [.. _higher.Select(h => Send(h, ElectionMessageKind.Election))],
            new ElectionTimer(ElectionTimerKind.OkTimeout, _epoch, _timings.OkWait),
            $"starts an election: ELECTION to {string.Join(", ", _higher)}");
    }

    public NodeStep Receive(ElectionMessage message)
    {
        switch (message.Kind)
        {
            case ElectionMessageKind.Election when message.From < Id:
                // "I am alive and higher": answer, then take over the election (once: a running one goes on)
                return new NodeStep([Send(message.From, ElectionMessageKind.Ok)], null, null).Then(StartElection());
            case ElectionMessageKind.Ok when _phase == Phase.AwaitingOk:
                _phase = Phase.AwaitingCoordinator;
                _epoch++;
                return new NodeStep([], new ElectionTimer(ElectionTimerKind.CoordinatorTimeout, _epoch, _timings.CoordinatorWait), $"OK from {message.From}: waits for COORDINATOR");
            case ElectionMessageKind.Coordinator when message.Coordinator < Id:
                // a lower node claims to lead while this one is alive: bully it
                var bully = StartElection();
                return bully.Note is null ? bully : bully with { Note = $"COORDINATOR {message.Coordinator} is lower than this node: {bully.Note}" };
            case ElectionMessageKind.Coordinator:
                Coordinator = message.Coordinator;
                _phase = Phase.Idle;
                _epoch++;
                return NodeStep.None;
            default:
                // a late OK, an ELECTION from above: nothing to do
                return NodeStep.None;
        }
    }

    public NodeStep OnTimer(ElectionTimer timer)
    {
        if (timer.Epoch != _epoch)
        {
            return NodeStep.None;
        }

        switch (timer.Kind)
        {
            case ElectionTimerKind.OkTimeout when _phase == Phase.AwaitingOk:
                return Win($"no OK within {_timings.OkWait.TotalMilliseconds:0} ms");
            case ElectionTimerKind.CoordinatorTimeout when _phase == Phase.AwaitingCoordinator:
                _phase = Phase.Idle;
                var again = StartElection();
                return again with { Note = $"no COORDINATOR within {_timings.CoordinatorWait.TotalMilliseconds:0} ms after OK; {again.Note}" };
            default:
                return NodeStep.None;
        }
    }

    public NodeStep NoLiveSuccessor(ElectionMessage message) => NodeStep.None;

    private NodeStep Win(string why)
    {
        _phase = Phase.Idle;
        _epoch++;
        Coordinator = Id;
        return new NodeStep(
            [.. _lower.Select(l => Send(l, ElectionMessageKind.Coordinator))],
            null,
            $"{why}: I am the coordinator; COORDINATOR to {(_lower.Length == 0 ? "nobody" : string.Join(", ", _lower))}");
    }

    private OutgoingMessage Send(int to, ElectionMessageKind kind) =>
        new(to, new ElectionMessage(_runId, kind, Id, Id, [], kind == ElectionMessageKind.Coordinator ? Id : 0, 0));
}
