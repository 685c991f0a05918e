using Orleans.Placement;

namespace OrleansDist.Grains.Placement;

/// <summary>
/// Marks a grain class whose string key is <c>"&lt;silo name&gt;/&lt;local id&gt;"</c> (<see cref="MachineBoundKey"/>): it is
/// always activated on the live silo of that name; while there is none, calls fail with <see cref="MachineDownException"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class MachineBoundPlacementAttribute() : PlacementAttribute(MachineBoundPlacement.Instance);
