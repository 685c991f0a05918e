using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansDist.AdoNet.Common;

/// <summary>
/// A PostgreSQL database reached through one <see cref="NpgsqlDataSource"/> (its own connection pool). Connection failures
/// become exceptions that name host, port and database (never the password). Retrying is the caller's business.
/// </summary>
internal sealed class PostgresDatabase : IAdoNetDatabase, IDisposable, IAsyncDisposable
{
    // Key of the transaction-scoped advisory lock that serializes schema creation across processes ("ODSCHEMA").
    private const long SchemaLockKey = 0x4F44_5343_4845_4D41;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly string _host;
    private readonly int _port;
    private readonly string _database;
    private readonly string _username;

    public PostgresDatabase(string connectionString, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message of the builder never echoes the connection string, so it cannot leak a password.
            throw new ArgumentException($"Invalid PostgreSQL connection string: {ex.Message}", nameof(connectionString), ex);
        }

        _host = string.IsNullOrEmpty(builder.Host) ? "localhost" : builder.Host;
        _port = builder.Port;
        _database = builder.Database ?? builder.Username ?? "postgres";
        _username = builder.Username ?? "(default user)";
        _dataSource = NpgsqlDataSource.Create(builder);
        _logger = logger;
    }

    public string Description => string.Create(CultureInfo.InvariantCulture, $"PostgreSQL {_host}:{_port}/{_database}");

    public object TimeValue(DateTimeOffset value) => value.ToUniversalTime();

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public async Task<T> RunAsync<T>(bool write, Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Writes: READ COMMITTED is enough, the compare-and-swap is one conditional UPDATE on the version row (whoever waits
        // on its row lock re-checks the condition after the winner commits). Reads: one snapshot for all statements.
        var isolation = write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead;
        await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task EnsureSchemaAsync(string component, int version, IReadOnlyList<string> ddl, CancellationToken cancellationToken)
    {
        // CREATE TABLE IF NOT EXISTS is not safe when several processes run it at the same moment (duplicate catalog rows),
        // so every schema change holds one transaction-scoped advisory lock.
        var stored = await RunAsync(write: true, async (connection, transaction, ct) =>
        {
            await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ct, ("key", SchemaLockKey)).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS OrleansDistSchema (Component text NOT NULL PRIMARY KEY, Version integer NOT NULL)", ct).ConfigureAwait(false);
            foreach (var statement in ddl)
            {
                await Sql.ExecuteAsync(connection, transaction, statement, ct).ConfigureAwait(false);
            }

            await Sql.ExecuteAsync(connection, transaction, "INSERT INTO OrleansDistSchema (Component, Version) VALUES (@component, @version) ON CONFLICT (Component) DO NOTHING", ct, ("component", component), ("version", version)).ConfigureAwait(false);
            return Convert.ToInt32(await Sql.ScalarAsync(connection, transaction, "SELECT Version FROM OrleansDistSchema WHERE Component = @component", ct, ("component", component)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);

        if (stored > version)
        {
            AdoNetLog.SchemaNewer(_logger, component, Description, stored, version);
        }

        AdoNetLog.SchemaReady(_logger, component, version, Description);
    }

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            // The server answered but refused: wrong user/password, missing database, too many connections, ...
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"PostgreSQL server at {_host}:{_port} refused the connection to database '{_database}' as user '{_username}': {ex.MessageText} (SQLSTATE {ex.SqlState})"),
                ex);
        }
        catch (Exception ex) when ((ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException) && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"PostgreSQL server at {_host}:{_port} (database '{_database}') is unreachable: {ex.GetBaseException().Message}"),
                ex);
        }
    }
}
