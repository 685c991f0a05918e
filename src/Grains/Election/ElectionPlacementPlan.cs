namespace OrleansDist.Grains.Election;

/// <summary>
/// Which silo (machine) each node lives on: round-robin over the silos, or, when one node's silo process is to be
/// killed, that node alone on one silo and the others round-robin over the rest, so the kill crashes that node only.
/// </summary>
public static class ElectionPlacementPlan
{
    /// <param name="nodes">Node ids 1..<paramref name="nodes"/>.</param>
    /// <param name="silos">The live silos' names, in a stable order.</param>
    /// <param name="isolated">The node to put alone on the last silo, or null.</param>
    public static IReadOnlyDictionary<int, string> Assign(int nodes, IReadOnlyList<string> silos, int? isolated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        if (silos.Count == 0)
        {
            throw new ArgumentException("no silo to place the nodes on", nameof(silos));
        }

        if (isolated is { } alone && (alone < 1 || alone > nodes))
        {
            throw new ArgumentOutOfRangeException(nameof(isolated), isolated, $"not a node id in 1..{nodes}");
        }

        if (isolated is not null && silos.Count < 2)
        {
            throw new ArgumentException("a node alone on its silo needs at least two silos", nameof(silos));
        }

        var plan = new Dictionary<int, string>();
        var shared = isolated is null ? silos : silos.Take(silos.Count - 1).ToList();
        var next = 0;
        for (var id = 1; id <= nodes; id++)
        {
            if (id == isolated)
            {
                plan[id] = silos[^1];
                continue;
            }

            plan[id] = shared[next++ % shared.Count];
        }

        return plan;
    }
}
