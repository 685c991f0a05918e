using OrleansDist.Membership;

namespace OrleansDist.Runtime.Membership;

/// <summary>Exposes the silo's membership snapshot to grains, converted only when the snapshot changed.</summary>
internal sealed class ClusterMembershipService(Hosting.Silo silo) : IClusterMembershipService
{
    private ClusterMembershipSnapshot? _converted;
    private IReadOnlyList<ClusterSiloInfo> _activeSilos = [];

    public string LocalSiloName => silo.SiloName;

    public IReadOnlyList<ClusterSiloInfo> ActiveSilos
    {
        get
        {
            var snapshot = silo.Membership.Current;
            if (!ReferenceEquals(snapshot, _converted))
            {
                _activeSilos = [.. snapshot.ActiveSilos.Select(address =>
                {
                    var entry = snapshot.Members[address];
                    return new ClusterSiloInfo(entry.SiloName, address.ToString(), entry.HostName);
                })];
                _converted = snapshot;
            }

            return _activeSilos;
        }
    }
}
