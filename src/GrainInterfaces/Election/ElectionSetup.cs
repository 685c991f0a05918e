namespace Dist.GrainInterfaces.Election;

/// <summary>
/// What a node grain needs for a run: its peers (id → grain key), the algorithm, the coordinator it starts with, its
/// timeouts and failure detector, and the trace its spans belong to.
/// </summary>
/// <param name="RunId">Identifies the run; messages of other runs are dropped.</param>
/// <param name="Algorithm">Bully or Ring.</param>
/// <param name="NodeKeys">Every node of the run: its id and its grain key (<c>silo/id</c>).</param>
/// <param name="InitialCoordinator">The coordinator every node knows at the start (the highest id, as after an earlier election).</param>
/// <param name="MessageTimeoutMs">How long a sender waits for a message (or heartbeat) to be taken before it counts it lost.</param>
/// <param name="HeartbeatPeriodMs">How often the failure detector pings the coordinator (0 = never).</param>
/// <param name="MissedHeartbeats">Missed pings in a row after which the node starts an election.</param>
/// <param name="MonitorCoordinator">Whether this node's failure detector runs.</param>
/// <param name="TraceParent">W3C traceparent of the run's root span: every span of the run joins that trace.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.ElectionSetup")]
public sealed record ElectionSetup(
    [property: Id(0)] string RunId,
    [property: Id(1)] ElectionAlgorithm Algorithm,
    [property: Id(2)] ElectionNodeKey[] NodeKeys,
    [property: Id(3)] int InitialCoordinator,
    [property: Id(4)] int MessageTimeoutMs,
    [property: Id(5)] int HeartbeatPeriodMs,
    [property: Id(6)] int MissedHeartbeats,
    [property: Id(7)] bool MonitorCoordinator,
    [property: Id(8)] string? TraceParent);

/// <summary>A node's id and the key of its grain.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.ElectionNodeKey")]
public sealed record ElectionNodeKey([property: Id(0)] int Id, [property: Id(1)] string Key);
