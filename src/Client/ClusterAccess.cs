using System.Net;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.AdoNet.Membership;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Client;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansDist.Client;

/// <summary>Opens the membership table and connects cluster clients for the commands.</summary>
internal static class ClusterAccess
{
    /// <summary>Reads the whole membership table of the cluster.</summary>
    public static async Task<MembershipTableData> ReadMembershipAsync(CommonOptions.Settings settings, CancellationToken cancellationToken)
    {
        var table = OpenTable(settings);
        try
        {
            return await table.ReadAll(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CommandFailedException($"cannot read the membership table {settings.MembershipDescription}: {ex.Message}", ex);
        }
        finally
        {
            await DisposeAsync(table);
        }
    }

    /// <summary>
    /// Connects to one of the gateways given with --gateway, or else to one of the Active silos with a gateway in the membership table.
    /// </summary>
    public static async Task<ClusterClient> ConnectAsync(CommonOptions.Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> gateways;
        if (settings.Gateways.Count > 0)
        {
            gateways = await settings.ResolveGatewaysAsync(cancellationToken);
        }
        else if (settings.Membership.Scheme == MembershipUri.Localhost)
        {
            // development clustering, as a client's UseLocalhostClustering: the first silo's default gateway
            gateways = [new IPEndPoint(IPAddress.Loopback, 30000)];
        }
        else
        {
            var table = OpenTable(settings);
            try
            {
                gateways = await new MembershipTableGatewayListProvider(table).GetGatewaysAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new CommandFailedException($"cannot read the gateways from the membership table {settings.MembershipDescription}: {ex.Message}", ex);
            }
            finally
            {
                await DisposeAsync(table);
            }

            if (gateways.Count == 0)
            {
                throw new CommandFailedException(
                    $"no gateway reachable: the membership table {settings.MembershipDescription} lists no Active silo with a gateway in cluster '{settings.ClusterId}'");
            }
        }

        try
        {
            return await ClientHostingExtensions.ConnectClientAsync(
                client => client
                    .UseStaticClustering([.. gateways])
                    .Configure<ClusterOptions>(o => o.ClusterId = settings.ClusterId)
                    .Configure<ClientOptions>(o => o.InitialConnectTimeout = settings.ConnectTimeout)
                    .Configure<MessagingOptions>(o => o.ResponseTimeout = settings.CallTimeout),
                cancellationToken: cancellationToken);
        }
        catch (ClusterConnectionException ex)
        {
            throw new CommandFailedException($"no gateway reachable (tried {string.Join(", ", gateways)}): {ex.Message}", ex);
        }
    }

    private static IMembershipTable OpenTable(CommonOptions.Settings settings)
    {
        var (scheme, value) = settings.Membership;
        if (scheme == MembershipUri.Sqlite)
        {
            var path = Path.GetFullPath(value.Contains('=', StringComparison.Ordinal) ? DataSourceOf(value) : value);
            if (!File.Exists(path))
            {
                throw new CommandFailedException($"the membership database {path} does not exist (no silo has used it; start one with --membership sqlite:{value})");
            }

            return new SqliteMembershipTable(value, settings.ClusterId, NullLogger.Instance);
        }

        if (scheme == MembershipUri.Postgres)
        {
            return new PostgresMembershipTable(value, settings.ClusterId, NullLogger.Instance);
        }

        throw new UsageException(
            $"--membership {scheme}: development clustering keeps the membership table in the primary silo's memory, where this tool cannot read it; "
            + "use sqlite:<path> or postgres:<connection string>");
    }

    private static string DataSourceOf(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;

    private static async ValueTask DisposeAsync(IMembershipTable table)
    {
        switch (table)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
