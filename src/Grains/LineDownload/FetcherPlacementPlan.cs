namespace OrleansDist.Grains.LineDownload;

/// <summary>An Active silo as the placement plan sees it: its name and the machine (IP address) it runs on.</summary>
public sealed record FetcherSilo(string Name, string Host);

/// <summary>
/// Chooses the silo a fetcher starts on: the one running the fewest fetchers of the download, preferring machines that run
/// fewer (a fetcher's session is its machine's address when the server is remote), then the silo order rotated by the
/// fetcher's index, so a fresh download deals its fetchers out round-robin.
/// </summary>
public static class FetcherPlacementPlan
{
    /// <param name="activeSilos">The cluster's Active silos, in the same order on every call.</param>
    /// <param name="index">The fetcher to place.</param>
    /// <param name="otherFetcherSilos">Where the download's other live fetchers run (silo names).</param>
    public static FetcherSilo? ChooseSilo(IReadOnlyList<FetcherSilo> activeSilos, int index, IEnumerable<string> otherFetcherSilos)
    {
        if (activeSilos.Count == 0)
        {
            return null;
        }

        var perSilo = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var perHost = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var siloName in otherFetcherSilos)
        {
            var silo = activeSilos.FirstOrDefault(s => string.Equals(s.Name, siloName, StringComparison.OrdinalIgnoreCase));
            if (silo is null)
            {
                continue;
            }

            perSilo[silo.Name] = perSilo.GetValueOrDefault(silo.Name) + 1;
            perHost[silo.Host] = perHost.GetValueOrDefault(silo.Host) + 1;
        }

        return Enumerable.Range(0, activeSilos.Count)
            .Select(i => activeSilos[(i + index) % activeSilos.Count])
            .OrderBy(s => perSilo.GetValueOrDefault(s.Name))
            .ThenBy(s => perHost.GetValueOrDefault(s.Host))
            .First();
    }
}
