using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using OrleansDist.AdoNet;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.Hosting;
using OrleansDist.Telemetry;

namespace OrleansDist.Client;

/// <summary>Opens the membership table and connects cluster clients for the commands.</summary>
internal static class ClusterAccess
{
    /// <summary>Reads the whole membership table of the cluster, with Orleans' own ADO.NET clustering table.</summary>
    public static async Task<MembershipTableData> ReadMembershipAsync(CommonOptions.Settings settings, CancellationToken cancellationToken)
    {
        var connection = OpenDatabase(settings);
        try
        {
            await OrleansSchemaInstaller.InstallAsync(connection, NullLogger.Instance, settings.ConnectTimeout, cancellationToken);
            var services = new ServiceCollection().AddLogging().BuildServiceProvider();
            await using var disposeServices = services;
            var table = ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(
                services,
                Options.Create(new ClusterOptions { ClusterId = settings.ClusterId, ServiceId = ClusterDefaults.ServiceId }),
                Options.Create(new AdoNetClusteringSiloOptions { Invariant = connection.Invariant, ConnectionString = connection.ConnectionString }));
            await table.InitializeMembershipTableAsync(tryInitTableVersion: false, cancellationToken);
            return await table.ReadAllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            // Orleans reads the table version from the first row: a cluster that never ran has none
            throw new CommandFailedException(
                $"no silo of cluster '{settings.ClusterId}' has ever joined {settings.MembershipDescription} (check --cluster-id)", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not UsageException and not CommandFailedException)
        {
            throw new CommandFailedException($"cannot read the membership table {settings.MembershipDescription}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Connects to one of the gateways given with --gateway, or else to one of the Active silos with a gateway in the
    /// membership table, retrying until --connect-timeout.
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(CommonOptions.Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> gateways = settings.Gateways.Count > 0 ? await settings.ResolveGatewaysAsync(cancellationToken) : [];
        if (gateways.Count == 0 && settings.Membership.Scheme == MembershipUri.Localhost)
        {
            // development clustering, as a client's UseLocalhostClustering: the first silo's default gateway
            gateways = [new IPEndPoint(IPAddress.Loopback, ClusterDefaults.GatewayPort)];
        }

        if (gateways.Count == 0)
        {
            OpenDatabase(settings);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddOrleansDistLogExport(new TelemetrySettings { ServiceName = Program.ClientServiceName });
        var deadline = DateTime.UtcNow + settings.ConnectTimeout;
        Exception? lastFailure = null;
        builder.UseOrleansClient(client => client
            .UseOrleansDist(new OrleansDistClientOptions
            {
                ClusterId = settings.ClusterId,
                Gateways = gateways,
                Membership = settings.Membership,
                ResponseTimeout = settings.CallTimeout,
                Tls = settings.Tls,
            })
            .UseConnectionRetryFilter(async (exception, ct) =>
            {
                lastFailure = exception;
                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                return true;
            }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new ClusterConnection(host);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            var where = gateways.Count > 0
                ? $"tried {string.Join(", ", gateways)}"
                : $"the membership table {settings.MembershipDescription} lists no reachable Active silo with a gateway in cluster '{settings.ClusterId}'";
            throw new CommandFailedException(
                $"no gateway reachable ({where}) within {settings.ConnectTimeout.TotalSeconds:0.#} s: {(lastFailure ?? ex).Message} "
                + $"(a gateway refuses clients of another cluster: is --cluster-id {settings.ClusterId} right?)", ex);
        }
    }

    private static AdoNetConnection OpenDatabase(CommonOptions.Settings settings)
    {
        var (scheme, value) = settings.Membership;
        if (scheme == MembershipUri.Sqlite)
        {
            var path = Path.GetFullPath(value.Contains('=', StringComparison.Ordinal) ? DataSourceOf(value) : value);
            if (!File.Exists(path))
            {
                throw new CommandFailedException($"the membership database {path} does not exist (no silo has used it; start one with --membership sqlite:{value})");
            }

            return AdoNetConnection.FromSpec(scheme, value);
        }

        if (scheme == MembershipUri.Postgres)
        {
            return AdoNetConnection.FromSpec(scheme, value);
        }

        throw new UsageException(
            $"--membership {scheme}: development clustering keeps the membership table in the primary silo's memory, where this tool cannot read it; "
            + "use sqlite:<path> or postgres:<connection string>, or --gateway host:port");
    }

    private static string DataSourceOf(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
}
