using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansDist.AdoNet.Membership;
using OrleansDist.AdoNet.Persistence;

namespace OrleansDist.AdoNet.Tests;

public sealed class PostgresTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task UnreachableServer_ExceptionNamesHostAndPortButNotThePassword()
    {
        var port = FreePort();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=app;Password=s3cret-pw;Database=nowhere;Timeout=5";

        await using var table = new PostgresMembershipTable(connectionString, "c", NullLogger.Instance);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => table.InitializeMembershipTable(true, Ct));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.ToString(), StringComparison.Ordinal);

        await using var storage = new PostgresGrainStorage(connectionString, "s", NullLogger.Instance);
        var state = new TestGrainState<CounterState> { State = new CounterState() };
        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.ReadStateAsync("s", GrainId.Create("t", 1), state, Ct));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task MissingDatabase_ExceptionSaysTheServerRefused()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestEnvironment.ConnectionString) { Database = "orleansdist_missing_" + Guid.NewGuid().ToString("N")[..8] };
        await using var table = new PostgresMembershipTable(builder.ConnectionString, "c", NullLogger.Instance);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => table.ReadAll(Ct));
        Assert.Contains($"{builder.Host}:{builder.Port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains(builder.Database, ex.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ConcurrentFirstStarts_OnAFreshDatabase_CreateTheSchemaOnce()
    {
        await using var database = await PostgresTestEnvironment.CreateDatabaseAsync(Ct);
        var cluster = TestIds.New("c");
        var tables = Enumerable.Range(0, 3).Select(_ => new PostgresMembershipTable(database.ConnectionString, cluster, NullLogger.Instance)).ToList();
        var storages = Enumerable.Range(0, 3).Select(_ => new PostgresGrainStorage(database.ConnectionString, "svc", NullLogger.Instance)).ToList();
        try
        {
            // Like three processes starting at once: separate data sources, schema creation racing.
            await Task.WhenAll(
                tables.Select(t => Task.Run(() => t.InitializeMembershipTable(true, Ct), Ct))
                    .Concat(storages.Select(s => Task.Run(() => s.InitializeAsync(Ct), Ct))));
            await tables[1].InitializeMembershipTable(true, Ct);

            Assert.Equal(0, (await tables[2].ReadAll(Ct)).Version.Version);
            Assert.Equal(["GrainStorage=1", "Membership=1"], await QueryAsync(database.ConnectionString, "SELECT Component || '=' || Version FROM OrleansDistSchema ORDER BY Component"));
        }
        finally
        {
            foreach (var table in tables)
            {
                await table.DisposeAsync();
            }

            foreach (var storage in storages)
            {
                await storage.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Tables_HaveOrleansShape()
    {
        await using var database = await PostgresTestEnvironment.CreateDatabaseAsync(Ct);
        await using (var table = new PostgresMembershipTable(database.ConnectionString, "c", NullLogger.Instance))
        {
            await table.InitializeMembershipTable(true, Ct);
        }

        const string Columns = "SELECT column_name FROM information_schema.columns WHERE table_name = @t ORDER BY ordinal_position";
        Assert.Equal(
            ["deploymentid", "timestamp", "version"],
            await QueryAsync(database.ConnectionString, Columns, ("t", "orleansmembershipversiontable")));
        Assert.Equal(
            ["deploymentid", "address", "port", "generation", "siloname", "hostname", "status", "proxyport", "suspecttimes", "starttime", "iamalivetime", "etag"],
            await QueryAsync(database.ConnectionString, Columns, ("t", "orleansmembershiptable")));
        Assert.Equal(
            ["deploymentid", "address", "port", "generation"],
            await QueryAsync(
                database.ConnectionString,
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                + "WHERE i.indrelid = 'orleansmembershiptable'::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<List<string>> QueryAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
