using Npgsql;

namespace OrleansDist.AdoNet.Tests.Support;

/// <summary>Where the PostgreSQL tests find their server. Unset means the test fails with instructions, never a silent skip.</summary>
internal static class PostgresTestServer
{
    public const string Variable = "ORLEANSDIST_TEST_POSTGRES";

    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set, so this PostgreSQL test cannot run. Start the throwaway test server with "
                    + "`tests/scripts/pg-test-server.sh start`, then `export ORLEANSDIST_TEST_POSTGRES=\"$(cat tests/.pg-connection)\"` "
                    + "(test.sh does both).");
            }

            return value;
        }
    }

    public static NpgsqlConnectionStringBuilder Builder => new(ConnectionString);

    /// <summary>A fresh, empty database on the test server, so that each test has the schema to itself.</summary>
    public static async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
