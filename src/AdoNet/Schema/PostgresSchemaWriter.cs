using Npgsql;

namespace OrleansDist.AdoNet.Schema;

/// <summary>One installation attempt on PostgreSQL: the whole schema and every query row in one transaction.</summary>
internal static class PostgresSchemaWriter
{
    // CREATE TABLE IF NOT EXISTS is not safe when several processes run it at the same moment (both may pass the check,
    // then one fails on a duplicate catalog row), so installers take turns on this per-database advisory lock.
    private const long InstallLockKey = 0x4F72_6C44_6973_7401; // "OrlDist" + 1

    private const string UpsertQuery = """
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
        WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText
        """;

    public static async Task InstallAsync(AdoNetConnection connection, SchemaScripts scripts, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", db, transaction))
        {
            command.Parameters.AddWithValue("key", InstallLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(scripts.Schema, db, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var batch = new NpgsqlBatch(db, transaction))
        {
            foreach (var (key, text) in scripts.Queries)
            {
                var upsert = new NpgsqlBatchCommand(UpsertQuery);
                upsert.Parameters.Add(new NpgsqlParameter { Value = key });
                upsert.Parameters.Add(new NpgsqlParameter { Value = text });
                batch.BatchCommands.Add(upsert);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
