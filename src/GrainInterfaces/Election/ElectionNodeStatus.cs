namespace Dist.GrainInterfaces.Election;

/// <summary>What a node grain reports about itself.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="RunId">The run it is configured for.</param>
/// <param name="Silo">The silo (machine) it runs on.</param>
/// <param name="MachineName">The host name of that silo's machine.</param>
/// <param name="ProcessId">The silo's process id (what <c>--kill-silo</c> kills).</param>
/// <param name="Crashed">Set by <c>--crash</c>: the node drops every message and heartbeat.</param>
/// <param name="Coordinator">The coordinator it knows (0 = none).</param>
/// <param name="Electing">Whether it is inside an election (waiting for OK, COORDINATOR, or its ring message).</param>
/// <param name="PendingSends">Messages it sent that are not yet taken nor given up.</param>
/// <param name="ElectionsStarted">Elections it started (noticing a crash, being asked to, or on recovery).</param>
/// <param name="MessagesSent">Protocol messages it sent.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.ElectionNodeStatus")]
public sealed record ElectionNodeStatus(
    [property: Id(0)] int Id,
    [property: Id(1)] string RunId,
    [property: Id(2)] string Silo,
    [property: Id(3)] string MachineName,
    [property: Id(4)] int ProcessId,
    [property: Id(5)] bool Crashed,
    [property: Id(6)] int Coordinator,
    [property: Id(7)] bool Electing,
    [property: Id(8)] int PendingSends,
    [property: Id(9)] int ElectionsStarted,
    [property: Id(10)] int MessagesSent);
