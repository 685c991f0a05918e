using Orleans.Hosting;

namespace OrleansDist.Grains.Placement;

public static class MachineBoundPlacementExtensions
{
    /// <summary>Registers the director of <see cref="MachineBoundPlacementAttribute"/> grains (every silo needs it).</summary>
    public static ISiloBuilder AddMachineBoundPlacement(this ISiloBuilder silo) =>
        silo.AddPlacementDirector<MachineBoundPlacement, MachineBoundPlacementDirector>();
}
