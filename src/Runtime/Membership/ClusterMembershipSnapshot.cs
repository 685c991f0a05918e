using System.Collections.Immutable;

namespace OrleansDist.Runtime.Membership;

/// <summary>One silo's current view of the cluster, as last read from the membership table.</summary>
internal sealed class ClusterMembershipSnapshot
{
    public static readonly ClusterMembershipSnapshot Empty = new(-1, ImmutableDictionary<SiloAddress, MembershipEntry>.Empty);

    public ClusterMembershipSnapshot(long version, ImmutableDictionary<SiloAddress, MembershipEntry> members)
    {
        Version = version;
        Members = members;
        ActiveSilos = [.. members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).OrderBy(s => s)];
    }

    public long Version { get; }

    public ImmutableDictionary<SiloAddress, MembershipEntry> Members { get; }

    /// <summary>Active silos in a stable order.</summary>
    public ImmutableArray<SiloAddress> ActiveSilos { get; }

    public SiloStatus GetStatus(SiloAddress silo) => Members.TryGetValue(silo, out var entry) ? entry.Status : SiloStatus.None;

    /// <summary>Dead, or superseded by a later generation on the same endpoint.</summary>
    public bool IsKnownDead(SiloAddress silo)
    {
        if (silo.Generation == 0)
        {
            // "whichever process runs at that endpoint" (the development primary) is never superseded
            return false;
        }

        if (Members.TryGetValue(silo, out var entry))
        {
            return entry.Status == SiloStatus.Dead;
        }

        foreach (var other in Members.Keys)
        {
            if (other.IsSameEndpoint(silo) && other.Generation > silo.Generation)
            {
                return true;
            }
        }

        return false;
    }

    public SiloAddress? FindActiveByName(string siloName) =>
        Members.Values.FirstOrDefault(m => m.Status == SiloStatus.Active && string.Equals(m.SiloName, siloName, StringComparison.OrdinalIgnoreCase))?.SiloAddress;
}
