using Orleans.Runtime;

namespace OrleansDist.Grains.Placement;

/// <summary>
/// Places a grain on the silo named in its key (<see cref="MachineBoundKey"/>) and nowhere else: the grain stands for
/// something that lives on one machine (an election node, a peer's shared folder), so when that silo is gone the grain
/// is down too instead of being reactivated elsewhere as a virtual actor would be.
/// </summary>
[Serializable, GenerateSerializer, Immutable, Alias("orleansdist.machine-bound")]
public sealed class MachineBoundPlacement : PlacementStrategy
{
    public static readonly MachineBoundPlacement Instance = new();
}
