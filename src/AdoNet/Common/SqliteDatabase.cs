using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OrleansDist.AdoNet.Common;

/// <summary>
/// One SQLite database file that several silo processes on one machine share: WAL journal, a busy timeout, writes inside
/// <c>BEGIN IMMEDIATE</c> transactions, and retries while the file is busy. Errors name the file.
/// </summary>
internal sealed class SqliteDatabase : IAdoNetDatabase, IDisposable
{
    public const int BusyTimeoutMilliseconds = 5000;
    private const int MaxAttempts = 8;

    // Fixed width, so text comparison orders times correctly.
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    // SQLite primary result codes.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string _connectionString;
    private readonly ILogger _logger;

    public SqliteDatabase(string pathOrConnectionString, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = LooksLikeConnectionString(pathOrConnectionString)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.DataSource == ":memory:"
            || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                $"SQLite storage needs a database file, not '{pathOrConnectionString}' (use the in-memory providers for a single process)",
                nameof(pathOrConnectionString));
        }

        FilePath = Path.GetFullPath(builder.DataSource);
        builder.DataSource = FilePath;
        if (builder.Mode != SqliteOpenMode.ReadOnly)
        {
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }

        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 30);
        _connectionString = builder.ToString();
        _logger = logger;
    }

    public string FilePath { get; }

    public string Description => FilePath;

    public object TimeValue(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public async Task<T> RunAsync<T>(bool write, Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

                // deferred: false => BEGIN IMMEDIATE: take the write lock now (waiting up to busy_timeout) instead of failing
                // with SQLITE_BUSY when a read transaction would later have to upgrade.
                await using var transaction = connection.BeginTransaction(deferred: !write);
                var result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < MaxAttempts)
            {
                var delay = (50 * attempt) + Random.Shared.Next(50);
                AdoNetLog.SqliteBusy(_logger, FilePath, attempt, delay, ex);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw Translate(ex);
            }
        }
    }

    public async Task EnsureSchemaAsync(string component, int version, IReadOnlyList<string> ddl, CancellationToken cancellationToken)
    {
        var stored = await RunAsync(write: true, async (connection, transaction, ct) =>
        {
            await Sql.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS OrleansDistSchema (Component TEXT NOT NULL PRIMARY KEY, Version INTEGER NOT NULL)", ct).ConfigureAwait(false);
            foreach (var statement in ddl)
            {
                await Sql.ExecuteAsync(connection, transaction, statement, ct).ConfigureAwait(false);
            }

            await Sql.ExecuteAsync(connection, transaction, "INSERT INTO OrleansDistSchema (Component, Version) VALUES (@component, @version) ON CONFLICT (Component) DO NOTHING", ct, ("component", component), ("version", version)).ConfigureAwait(false);
            return Convert.ToInt32(await Sql.ScalarAsync(connection, transaction, "SELECT Version FROM OrleansDistSchema WHERE Component = @component", ct, ("component", component)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);

        if (stored > version)
        {
            AdoNetLog.SchemaNewer(_logger, component, FilePath, stored, version);
        }

        AdoNetLog.SchemaReady(_logger, component, version, FilePath);
    }

    public void Dispose()
    {
        // Release pooled connections so the file (and its -wal/-shm companions) is closed.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"SQLite database '{FilePath}': cannot create directory '{directory}': {ex.Message}", ex);
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();

            // journal_mode is stored in the file (the first opener switches it); busy_timeout and synchronous are per connection.
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is SqliteBusy or SqliteLocked;

    private Exception Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        SqliteNotADatabase or SqliteCorrupt => new OrleansDist.Runtime.Membership.FatalMembershipTableException($"SQLite database '{FilePath}' is not a valid database: {ex.Message}", ex),
        SqliteBusy or SqliteLocked => new InvalidOperationException($"SQLite database '{FilePath}' stayed locked by other connections after {MaxAttempts} attempts: {ex.Message}", ex),
        _ => new InvalidOperationException($"SQLite database '{FilePath}' failed: {ex.Message}", ex),
    };

    private static bool LooksLikeConnectionString(string value) =>
        value.Contains("Data Source=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("DataSource=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("Filename=", StringComparison.OrdinalIgnoreCase);
}
