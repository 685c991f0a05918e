namespace OrleansDist.Grains.Clocks;

/// <summary>
/// Where each clock's first activation goes: round robin over the active silos in a stable order, so with at least as
/// many silos as clocks each clock has a silo of its own, and with fewer they share evenly.
/// </summary>
public static class ClockPlacementPlan
{
    /// <returns>For each clock, the index of its silo in <paramref name="silos"/>, or null when there is none.</returns>
    public static int?[] Assign(int clocks, int silos) =>
        [.. Enumerable.Range(0, clocks).Select(i => silos == 0 ? (int?)null : i % silos)];
}
