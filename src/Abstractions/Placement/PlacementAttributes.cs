namespace OrleansDist.Placement;

/// <summary>Base of placement attributes on grain classes.</summary>
[AttributeUsage(AttributeTargets.Class)]
public abstract class PlacementAttribute(PlacementStrategyKind kind) : Attribute
{
    public PlacementStrategyKind Kind { get; } = kind;
}

public enum PlacementStrategyKind
{
    Random,
    PreferLocal,
    HashBased,
}

/// <summary>A random active silo (the default).</summary>
public sealed class RandomPlacementAttribute() : PlacementAttribute(PlacementStrategyKind.Random);

/// <summary>The silo that makes the first call (the gateway, for a client's call).</summary>
public sealed class PreferLocalPlacementAttribute() : PlacementAttribute(PlacementStrategyKind.PreferLocal);

/// <summary>A silo chosen by hashing the grain id over the active silos: spreads grains evenly and deterministically.</summary>
public sealed class HashBasedPlacementAttribute() : PlacementAttribute(PlacementStrategyKind.HashBased);

