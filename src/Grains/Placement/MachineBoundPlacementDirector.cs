using Orleans.Runtime.Placement;

namespace OrleansDist.Grains.Placement;

/// <summary>
/// Chooses the active silo whose name is the machine part of the grain's key. Two active silos with one name (a restarted
/// machine before its old incarnation is declared dead) resolve to the newest generation.
/// </summary>
public sealed class MachineBoundPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        if (!MachineBoundKey.TryParse(key, out var machine, out _))
        {
            throw new MachineDownException("", $"grain {target.GrainIdentity} is machine-bound but its key '{key}' is not '<silo name>/<local id>'");
        }

        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var members = membership.CurrentSnapshot.Members.Values;
        var chosen = members
            .Where(m => m.Status == SiloStatus.Active && string.Equals(m.Name, machine, StringComparison.Ordinal) && compatible.Contains(m.SiloAddress))
            .OrderByDescending(m => m.SiloAddress.Generation)
            .Select(m => m.SiloAddress)
            .FirstOrDefault();
        if (chosen is null)
        {
            var live = string.Join(", ", members.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).Order(StringComparer.Ordinal));
            throw new MachineDownException(machine, $"machine '{machine}' is down: no active silo of that name (active: {(live.Length == 0 ? "none" : live)}), so {target.GrainIdentity} is not activated elsewhere");
        }

        return Task.FromResult(chosen);
    }
}
