using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansDist.AdoNet.Tests.Support;

/// <summary>
/// An empty database of one kind for one test: a SQLite file in a fresh folder, or a fresh database on the PostgreSQL
/// test server. Removed on dispose. <see cref="QueryAsync"/> reads it directly, beside Orleans.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly TempDirectory? _directory;
    private readonly string? _postgresName;

    private TestDatabase(AdoNetConnection connection, TempDirectory? directory, string? postgresName)
    {
        Connection = connection;
        _directory = directory;
        _postgresName = postgresName;
    }

    public AdoNetConnection Connection { get; }

    public static async Task<TestDatabase> CreateAsync(AdoNetDatabase kind, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case AdoNetDatabase.Sqlite:
                var directory = new TempDirectory();
                return new TestDatabase(AdoNetConnection.Sqlite(directory.File("cluster.db")), directory, null);
            case AdoNetDatabase.Postgres:
                var name = "orleansdist_t_" + Guid.NewGuid().ToString("N")[..16];
                var connectionString = await PostgresTestServer.CreateDatabaseAsync(name, cancellationToken);
                return new TestDatabase(AdoNetConnection.Postgres(connectionString), null, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>A new ADO.NET connection of the right kind, not yet open.</summary>
    public DbConnection Open() => Connection.Database == AdoNetDatabase.Sqlite
        ? new SqliteConnection(Connection.ConnectionString)
        : new NpgsqlConnection(Connection.ConnectionString);

    /// <summary>Every row of <paramref name="sql"/>, each as its column values (DBNull as null).</summary>
    public async Task<List<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            // Pooled connections keep the file open.
            SqliteConnection.ClearAllPools();
            _directory.Dispose();
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(Connection.ConnectionString));
            await PostgresTestServer.DropDatabaseAsync(_postgresName);
        }
    }
}
