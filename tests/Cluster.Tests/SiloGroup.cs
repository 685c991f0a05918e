using System.Net;

namespace OrleansDist.Cluster.Tests;

/// <summary>Several silo processes of one cluster, started one after the other (the first creates the schema).</summary>
public sealed class SiloGroup : IAsyncDisposable
{
    private SiloGroup(List<SiloProcess> processes) => Processes = processes;

    public IReadOnlyList<SiloProcess> Processes { get; }

    public IPEndPoint[] Gateways => [.. Processes.Where(p => !p.HasExited).Select(p => p.Gateway)];

    public static async Task<SiloGroup> StartAsync(int count, string membership, string clusterId, bool fastMembership, string namePrefix = "silo")
    {
        var processes = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                processes.Add(await SiloProcess.StartAsync($"{namePrefix}{i}", membership, clusterId, fastMembership));
            }
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }

        return new SiloGroup(processes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes)
        {
            await process.DisposeAsync();
        }
    }
}
