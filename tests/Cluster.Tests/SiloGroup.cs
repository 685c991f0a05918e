using System.Net;

namespace OrleansDist.Cluster.Tests;

/// <summary>Several silo processes of one cluster, started one after the other (the first creates the schema).</summary>
public sealed class SiloGroup : IAsyncDisposable
{
    private SiloGroup(List<SiloProcess> processes) => Processes = processes;

    public IReadOnlyList<SiloProcess> Processes { get; }

    /// <summary>From the first process start to the last SILO READY.</summary>
    public TimeSpan StartTime { get; private init; }

    public IPEndPoint[] Gateways => [.. Processes.Where(p => !p.HasExited).Select(p => p.Gateway)];

    public static async Task<SiloGroup> StartAsync(int count, string membership, string clusterId, bool fastMembership, string namePrefix = "silo")
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var processes = new List<SiloProcess>();
        try
        {
            // one after the other: side by side they start slower on 2 cores (each silo JIT-compiles Orleans, and their schema
            // installations queue behind one another's lock)
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

        return new SiloGroup(processes) { StartTime = clock.Elapsed };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes)
        {
            await process.DisposeAsync();
        }
    }
}
