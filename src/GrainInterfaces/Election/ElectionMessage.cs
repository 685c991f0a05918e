namespace Dist.GrainInterfaces.Election;

/// <summary>
/// One protocol message between two node grains.
/// </summary>
/// <param name="RunId">The run it belongs to; a node drops messages of another run (a node reconfigured since).</param>
/// <param name="Kind">ELECTION, OK or COORDINATOR.</param>
/// <param name="From">The sending node's id.</param>
/// <param name="Initiator">Ring: the node that started this election (its message stops when it comes back there).</param>
/// <param name="Ids">Ring: the ids the ELECTION message collected so far, in ring order.</param>
/// <param name="Coordinator">COORDINATOR: the elected node.</param>
/// <param name="Hops">Ring: hops made so far (a message whose initiator died stops after going round).</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.ElectionMessage")]
public sealed record ElectionMessage(
    [property: Id(0)] string RunId,
    [property: Id(1)] ElectionMessageKind Kind,
    [property: Id(2)] int From,
    [property: Id(3)] int Initiator,
    [property: Id(4)] int[] Ids,
    [property: Id(5)] int Coordinator,
    [property: Id(6)] int Hops);
