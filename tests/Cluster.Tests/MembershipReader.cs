using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using OrleansDist.AdoNet;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// Reads a cluster's rows of the membership table with Orleans' own ADO.NET clustering table (as <c>orleansdist cluster
/// status</c> does), the way the silos themselves read it.
/// </summary>
public sealed class MembershipReader : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly AdoNetClusteringTable _table;

    private MembershipReader(ServiceProvider services, AdoNetClusteringTable table)
    {
        _services = services;
        _table = table;
    }

    /// <param name="membershipSpec">sqlite:PATH or postgres:CONNSTR, as given to the silos.</param>
    public static async Task<MembershipReader> OpenAsync(string membershipSpec, string clusterId)
    {
        var colon = membershipSpec.IndexOf(':', StringComparison.Ordinal);
        var connection = AdoNetConnection.FromSpec(membershipSpec[..colon], membershipSpec[(colon + 1)..]);
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        try
        {
            var table = ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(
                services,
                Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
                Options.Create(new AdoNetClusteringSiloOptions { Invariant = connection.Invariant, ConnectionString = connection.ConnectionString }));
            await table.InitializeMembershipTableAsync(tryInitTableVersion: false, CancellationToken.None);
            return new MembershipReader(services, table);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    public static Task<MembershipReader> OpenAsync(TestDatabase database, string clusterId) => OpenAsync(database.Spec, clusterId);

    public async Task<IReadOnlyList<MembershipEntry>> ReadAsync()
    {
        var data = await _table.ReadAllAsync(CancellationToken.None);
        return [.. data.Members.Select(m => m.Item1)];
    }

    /// <summary>The newest row of the silo listening on <paramref name="silo"/>'s port (null: none yet).</summary>
    public async Task<MembershipEntry?> LatestRowAsync(SiloProcess silo) =>
        (await ReadAsync())
            .Where(e => e.SiloAddress.Endpoint.Port == silo.SiloPort)
            .OrderByDescending(e => e.SiloAddress.Generation)
            .FirstOrDefault();

    /// <summary>Polls the table every 50 ms until the silo's row has <paramref name="status"/>; returns the time that took.</summary>
    public async Task<TimeSpan> WaitForStatusAsync(SiloProcess silo, SiloStatus status, TimeSpan timeout, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var started = clock.Elapsed;
        while (true)
        {
            var row = await LatestRowAsync(silo);
            if (row?.Status == status)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed - started > timeout)
            {
                throw new TimeoutException($"{silo.Name} is {row?.Status.ToString() ?? "absent"} after {timeout.TotalSeconds} s, expected {status}\n{silo.Output}");
            }

            await Task.Delay(50);
        }
    }

    public async Task WaitForAllActiveAsync(IEnumerable<SiloProcess> silos, TimeSpan timeout)
    {
        foreach (var silo in silos)
        {
            await WaitForStatusAsync(silo, SiloStatus.Active, timeout);
        }
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
