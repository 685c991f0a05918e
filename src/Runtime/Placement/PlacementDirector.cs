using OrleansDist.Placement;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Placement;

/// <summary>Chooses the silo for a grain's first activation.</summary>
internal sealed class PlacementDirector(SiloAddress localSilo)
{
    public SiloAddress SelectSilo(GrainId grainId, PlacementStrategyKind strategy, string? pinnedSiloName, ClusterMembershipSnapshot membership, bool localIsActive)
    {
        if (pinnedSiloName is not null)
        {
            if (membership.FindActiveByName(pinnedSiloName) is { } pinned)
            {
                return pinned;
            }

            // a silo that was in the cluster and is leaving or gone: the caller may retry (it is not a mistake in the call)
            if (membership.Members.Values.FirstOrDefault(m => string.Equals(m.SiloName, pinnedSiloName, StringComparison.OrdinalIgnoreCase)) is { } gone)
            {
                throw new SiloUnavailableException($"{grainId} is pinned to silo '{pinnedSiloName}', which is {gone.Status}");
            }

            throw new InvalidOperationException(
                $"{grainId} is pinned to silo '{pinnedSiloName}', but no active silo has that name (active: {string.Join(", ", membership.ActiveSilos.Select(s => membership.Members[s].SiloName))})");
        }

        var candidates = membership.ActiveSilos;
        if (candidates.IsEmpty || (strategy == PlacementStrategyKind.PreferLocal && localIsActive))
        {
            return localSilo;
        }

        return strategy switch
        {
            PlacementStrategyKind.HashBased => candidates[(int)(grainId.GetStableHash() % (uint)candidates.Length)],
            _ => candidates[Random.Shared.Next(candidates.Length)],
        };
    }
}
