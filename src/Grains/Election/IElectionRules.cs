using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// One node's side of an election algorithm as a state machine: given an event, the messages to send. No I/O, no clock:
/// the node grain (or <see cref="ElectionSimulator"/>) delivers the messages and fires the timers.
/// </summary>
public interface IElectionRules
{
    int Id { get; }

    /// <summary>The coordinator this node knows; 0 = none.</summary>
    int Coordinator { get; }

    /// <summary>Inside an election of its own (waiting for OK, COORDINATOR, or its ring message).</summary>
    bool Electing { get; }

    /// <summary>The node starts an election (it noticed the coordinator's crash, was asked to, or recovered).</summary>
    NodeStep StartElection();

    NodeStep Receive(ElectionMessage message);

    NodeStep OnTimer(ElectionTimer timer);

    /// <summary>Ring: every successor was tried and none took <paramref name="message"/>: this node is alone.</summary>
    NodeStep NoLiveSuccessor(ElectionMessage message);
}
