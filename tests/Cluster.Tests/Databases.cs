using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansDist.Cluster.Tests;

/// <summary>The two real databases the multi-process tests run on.</summary>
public static class Databases
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The throwaway PostgreSQL server of the test run; a PostgreSQL test without it fails (it never skips).</summary>
    public static string PostgresConnectionString() =>
        Environment.GetEnvironmentVariable("ORLEANSDIST_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "ORLEANSDIST_TEST_POSTGRES is not set: run the tests with ./test.sh, or start a server with tests/scripts/pg-test-server.sh start and export ORLEANSDIST_TEST_POSTGRES=\"$(cat tests/.pg-connection)\"");

    public static IEnumerable<object[]> Both()
    {
        yield return [Sqlite];
        yield return [Postgres];
    }
}

/// <summary>
/// A fresh, empty database for one test: a new SQLite file, or a new database on the PostgreSQL test server. The silos
/// install the schema themselves. Disposing deletes it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly string? _postgresName;

    private TestDatabase(string kind, string connection, string? sqlitePath, string? postgresName)
    {
        Kind = kind;
        Connection = connection;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    /// <summary><see cref="Databases.Sqlite"/> or <see cref="Databases.Postgres"/>.</summary>
    public string Kind { get; }

    /// <summary>The SQLite file path or the PostgreSQL connection string.</summary>
    public string Connection { get; }

    /// <summary>The silo's and client's <c>--membership</c> value.</summary>
    public string Spec => $"{Kind}:{Connection}";

    public static async Task<TestDatabase> CreateAsync(string kind, string testName)
    {
        switch (kind)
        {
            case Databases.Sqlite:
                var folder = Path.Combine(Path.GetTempPath(), "orleansdist-tests");
                Directory.CreateDirectory(folder);
                var path = Path.Combine(folder, $"{testName}-{Guid.NewGuid():N}.db");
                return new TestDatabase(kind, path, path, null);
            case Databases.Postgres:
                var server = Databases.PostgresConnectionString();
                var safe = new string([.. testName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30)]);
                var name = $"od_{safe}_{Guid.NewGuid().ToString("N")[..16]}";
                await using (var admin = new NpgsqlConnection(server))
                {
                    await admin.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                    await create.ExecuteNonQueryAsync();
                }

                var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
                return new TestDatabase(kind, builder.ConnectionString, null, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgres");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await using var admin = new NpgsqlConnection(Databases.PostgresConnectionString());
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // the server is a throwaway one; a database left behind goes with it
            }
        }
    }

    public override string ToString() => Kind == Databases.Sqlite ? $"sqlite {Connection}" : $"postgres database {_postgresName}";
}
