using Orleans.Runtime.Placement;

namespace OrleansDist.Cluster.Tests.Groups;

/// <summary>The silos by name, and first calls that activate a grain on a chosen one (Orleans' placement hint).</summary>
internal sealed class GroupPlacement(Dictionary<string, SiloAddress> silos)
{
    public static async Task<GroupPlacement> ReadAsync(IClusterClient client)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        return new GroupPlacement(hosts.ToDictionary(h => h.SiloName, h => h.SiloAddress));
    }

    public async Task<T> OnSiloAsync<T>(string silo, Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[silo]);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    public Task OnSiloAsync(string silo, Func<Task> call) => OnSiloAsync(silo, async () =>
    {
        await call();
        return true;
    });
}
