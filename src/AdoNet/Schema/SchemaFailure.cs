using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansDist.AdoNet.Schema;

/// <summary>
/// What went wrong in one installation attempt, in plain words, and whether waiting may fix it: a database that is
/// not up yet, refusing connections or busy may come back; a corrupt file, a refused login or a bad connection string
/// will not.
/// </summary>
internal sealed record SchemaFailure(bool Retryable, string Description)
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteProtocol = 15;
    private const int SqliteNotADatabase = 26;

    public static SchemaFailure Classify(AdoNetConnection connection, Exception exception) => exception switch
    {
        PostgresException postgres => FromPostgres(postgres),
        NpgsqlException npgsql => FromNpgsql(npgsql),
        SqliteException sqlite => FromSqlite(connection, sqlite),
        TimeoutException => new(true, "connection timed out"),
        SocketException socket => new(true, socket.Message),
        IOException or UnauthorizedAccessException => new(true, exception.Message),
        ArgumentException or FormatException => new(false, $"bad connection string: {exception.Message}"),
        _ => new(false, $"{exception.GetType().Name}: {exception.Message}"),
    };

    private static SchemaFailure FromPostgres(PostgresException exception)
    {
        var state = exception.SqlState;
        var detail = $"{state}: {exception.MessageText}";
        return state switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
                => new(false, $"the server refused the login ({detail})"),
            PostgresErrorCodes.InvalidCatalogName
                => new(false, $"the database does not exist on the server ({detail}); create it first"),
            PostgresErrorCodes.InsufficientPrivilege
                => new(false, $"the user may not create the tables ({detail})"),

            // Starting up, shutting down, out of connections or resources, connection trouble, lost a race: all pass.
            PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                => new(true, detail),
            _ when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
                => new(true, detail),
            _ => new(false, $"the server answered {detail}"),
        };
    }

    private static SchemaFailure FromNpgsql(NpgsqlException exception)
    {
        // Npgsql wraps the socket error ("Failed to connect to 127.0.0.1:5432"); the inner one says why.
        var reason = exception.InnerException switch
        {
            SocketException socket => socket.Message,
            TimeoutException => "connection timed out",
            IOException io => io.Message,
            _ => exception.Message,
        };
        var retryable = exception.IsTransient || exception.InnerException is SocketException or TimeoutException or IOException;
        return new(retryable, reason);
    }

    private static SchemaFailure FromSqlite(AdoNetConnection connection, SqliteException exception)
    {
        var path = new SqliteConnectionStringBuilder(connection.ConnectionString).DataSource;
        return exception.SqliteErrorCode switch
        {
            SqliteNotADatabase or SqliteCorrupt
                => new(false, $"{path} is not a SQLite database (file is corrupt?): {exception.Message}"),
            SqliteCantOpen
                => new(true, $"cannot open {path}: {exception.Message}"),
            SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteIoError or SqliteFull or SqliteProtocol
                => new(true, exception.Message),
            _ => new(false, $"SQLite failed on {path}: {exception.Message}"),
        };
    }
}
