using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>A message the simulator carried: who sent what to whom, and whether a live node took it.</summary>
public sealed record SimulatedMessage(int From, int To, ElectionMessageKind Kind, bool Delivered, IReadOnlyList<int> Skipped);

/// <summary>The outcome of a simulated election: the coordinator each live node knows, and every message sent.</summary>
public sealed record SimulationResult(IReadOnlyDictionary<int, int> Coordinators, IReadOnlyList<SimulatedMessage> Messages)
{
    public int Count(ElectionMessageKind kind) => Messages.Count(m => m.Kind == kind);

    /// <summary>The coordinator if every live node knows the same one, else 0.</summary>
    public int AgreedCoordinator => Coordinators.Values.Distinct().Count() == 1 ? Coordinators.Values.First() : 0;
}

/// <summary>
/// Runs the same rules the node grains run, without a cluster: messages are taken in the order sent, instantly; a
/// message to a crashed node is lost (Ring tries the next successor); timers fire, earliest first, only when no message
/// is in flight. What the algorithm's rules predict for a scenario: the unit tests check it, and the client prints it
/// beside what the cluster did.
/// </summary>
public sealed class ElectionSimulator
{
    private const int MaxSteps = 1_000_000;

    private readonly Dictionary<int, IElectionRules> _nodes = [];
    private readonly HashSet<int> _crashed;
    private readonly int[] _ids;
    private readonly Queue<(int To, ElectionMessage Message)> _inFlight = new();
    private readonly PriorityQueue<(int Node, ElectionTimer Timer), (TimeSpan Due, long Order)> _timers = new();
    private readonly List<SimulatedMessage> _messages = [];
    private TimeSpan _now;
    private long _timerOrder;

    /// <param name="nodes">Node ids 1..<paramref name="nodes"/>; every node starts knowing the highest id as coordinator.</param>
    public ElectionSimulator(ElectionAlgorithm algorithm, int nodes, IEnumerable<int> crashed, ElectionTimings? timings = null)
    {
        _ids = [.. Enumerable.Range(1, nodes)];
        _crashed = [.. crashed];
        timings ??= new ElectionTimings(TimeSpan.FromMilliseconds(500));
        foreach (var id in _ids)
        {
            _nodes[id] = ElectionRules.Create(algorithm, id, _ids, nodes, "simulation", timings);
        }
    }

    /// <summary>The given nodes start an election at the same moment (in this order); runs until nothing is left to do.</summary>
    public SimulationResult Run(IEnumerable<int> initiators)
    {
        foreach (var initiator in initiators)
        {
            Apply(initiator, _nodes[initiator].StartElection());
        }

        for (var step = 0; _inFlight.Count > 0 || _timers.Count > 0; step++)
        {
            if (step > MaxSteps)
            {
                throw new InvalidOperationException("the election did not settle");
            }

            if (_inFlight.TryDequeue(out var delivery))
            {
                Apply(delivery.To, _nodes[delivery.To].Receive(delivery.Message));
                continue;
            }

            _timers.TryDequeue(out var due, out var at);
            _now = at.Due;
            if (!_crashed.Contains(due.Node))
            {
                Apply(due.Node, _nodes[due.Node].OnTimer(due.Timer));
            }
        }

        return new SimulationResult(
            _ids.Where(i => !_crashed.Contains(i)).ToDictionary(i => i, i => _nodes[i].Coordinator),
            _messages);
    }

    private void Apply(int node, NodeStep step)
    {
        foreach (var send in step.Send)
        {
            if (send.To is { } to)
            {
                var delivered = !_crashed.Contains(to);
                _messages.Add(new SimulatedMessage(node, to, send.Message.Kind, delivered, []));
                if (delivered)
                {
                    _inFlight.Enqueue((to, send.Message));
                }

                continue;
            }

            var skipped = new List<int>();
            var successor = 0;
            foreach (var candidate in RingRules.Successors(node, _ids))
            {
                if (!_crashed.Contains(candidate))
                {
                    successor = candidate;
                    break;
                }

                skipped.Add(candidate);
            }

            if (successor == 0)
            {
                Apply(node, _nodes[node].NoLiveSuccessor(send.Message));
                continue;
            }

            _messages.Add(new SimulatedMessage(node, successor, send.Message.Kind, true, skipped));
            _inFlight.Enqueue((successor, send.Message));
        }

        if (step.Timer is { } timer)
        {
            _timers.Enqueue((node, timer), (_now + timer.Delay, _timerOrder++));
        }
    }
}
