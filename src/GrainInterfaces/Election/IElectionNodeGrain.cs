namespace Dist.GrainInterfaces.Election;

/// <summary>
/// One node of a leader election, keyed <c>{siloName}/{nodeId}</c> and bound to that silo (its machine): while the silo
/// is dead, calls to the node fail or time out instead of bringing it back elsewhere.
/// </summary>
[Alias("OrleansDist.IElectionNodeGrain")]
public interface IElectionNodeGrain : IGrainWithStringKey
{
    /// <summary>Starts a run: forgets the previous one (crash flag included) and takes its peers, timings and initial coordinator.</summary>
    [Alias("Configure")]
    Task<ElectionNodeStatus> Configure(ElectionSetup setup);

    /// <summary>Hands a protocol message to the node; answers once it is taken (a crashed node never answers in time).</summary>
    [Alias("Deliver")]
    Task<bool> Deliver(ElectionMessage message);

    /// <summary>The failure detector's heartbeat; a crashed node does not answer in time.</summary>
    [Alias("Ping")]
    Task<bool> Ping(int from);

    /// <summary>The node starts an election now (as if it had noticed the coordinator's crash).</summary>
    [Alias("StartElection")]
    Task StartElection(string reason);

    /// <summary><c>--crash</c>: the node stops answering (drops messages and heartbeats, its timers stop) until <see cref="Recover"/>.</summary>
    [Alias("Crash")]
    Task Crash();

    /// <summary>
    /// The node comes back with its volatile state lost and starts an election, as a restarted process does. Also the
    /// first call to a node whose silo was killed and started again.
    /// </summary>
    [Alias("Recover")]
    Task<ElectionNodeStatus> Recover();

    /// <summary>The run is over: timers stop, the node forgets the run (on disk too, so no later activation restarts it).</summary>
    [Alias("Finish")]
    Task Finish();

    [Alias("GetStatus")]
    Task<ElectionNodeStatus> GetStatus();

    /// <summary>Messages sent and events, in the order they happened, for run <paramref name="runId"/>.</summary>
    [Alias("GetLog")]
    Task<ElectionLogEntry[]> GetLog(string runId);
}
