using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OrleansDist.AdoNet.Schema;

/// <summary>One installation attempt on SQLite: WAL journal mode, then the schema and every query row in one write transaction.</summary>
internal static class SqliteSchemaWriter
{
    private const string UpsertQuery = """
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($key, $text)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText
        WHERE QueryText IS NOT excluded.QueryText
        """;

    public static Task InstallAsync(AdoNetConnection connection, SchemaScripts scripts, ILogger logger, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite is synchronous underneath (its async methods block, and it sleeps while the file is
        // locked), so run the attempt on the thread pool rather than on the caller's thread.
        return Task.Run(() => Install(connection, scripts, logger, cancellationToken), cancellationToken);
    }

    private static void Install(AdoNetConnection connection, SchemaScripts scripts, ILogger logger, CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(connection.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            // Again on every attempt: the folder may have been impossible to create when the connection was made.
            Directory.CreateDirectory(folder);
        }

        using var db = new SqliteConnection(connection.ConnectionString);
        db.Open();
        cancellationToken.ThrowIfCancellationRequested();

        // WAL lets the silos' readers go on while one process writes; the mode is stored in the file, so setting it
        // once here serves every later connection (Orleans' own included). It cannot change inside a transaction.
        using (var command = db.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL";
            var mode = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                SchemaInstallerLog.NotWal(logger, path, mode);
            }
        }

        // BEGIN IMMEDIATE: take the write lock before reading anything, so concurrent installers queue (up to the
        // busy timeout) instead of failing on a lock upgrade.
        using var transaction = db.BeginTransaction(deferred: false);
        using (var command = db.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = scripts.Schema;
            command.ExecuteNonQuery();
        }

        using (var command = db.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = UpsertQuery;
            var key = command.Parameters.Add("$key", SqliteType.Text);
            var text = command.Parameters.Add("$text", SqliteType.Text);
            foreach (var (queryKey, queryText) in scripts.Queries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                key.Value = queryKey;
                text.Value = queryText;
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }
}
