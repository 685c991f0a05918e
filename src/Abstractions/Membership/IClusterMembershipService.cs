namespace OrleansDist.Membership;

/// <summary>
/// The hosting silo's current view of the cluster. Grains use it to spread work over silos (with
/// <see cref="Placement.PlacementHint.PinToSilo"/>) or to tell which machines take part.
/// </summary>
public interface IClusterMembershipService
{
    /// <summary>Active silos, in a stable order (the same on every silo that has the same view).</summary>
    IReadOnlyList<ClusterSiloInfo> ActiveSilos { get; }

    /// <summary>Name of the silo this service belongs to.</summary>
    string LocalSiloName { get; }
}

/// <param name="Name">The silo's name (what <c>PinToSilo</c> takes).</param>
/// <param name="Address">Its silo-to-silo endpoint, as text.</param>
/// <param name="HostName">The machine it runs on.</param>
public sealed record ClusterSiloInfo(string Name, string Address, string HostName);
