using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Persistence;

/// <summary>
/// Grain storage of one service in PostgreSQL. The schema is created on first use, serialized across processes by
/// <c>pg_advisory_xact_lock</c>. See <see cref="SqlGrainStorage"/> for the table and the etag rules.
/// </summary>
public sealed class PostgresGrainStorage : SqlGrainStorage, IDisposable, IAsyncDisposable
{
    internal static readonly string[] Ddl =
    [
        """
        CREATE TABLE IF NOT EXISTS OrleansDistStorage (
            ServiceId varchar(150) NOT NULL,
            GrainType varchar(512) NOT NULL,
            GrainKey text NOT NULL,
            StateName varchar(150) NOT NULL,
            Payload text NULL,
            Version bigint NOT NULL,
            ModifiedOn timestamptz NOT NULL,
            PRIMARY KEY (ServiceId, GrainType, GrainKey, StateName)
        )
        """,
    ];

    private readonly PostgresDatabase _db;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="serviceId">States are keyed by this (ClusterOptions.ServiceId), so several services can share a database.</param>
    public PostgresGrainStorage(string connectionString, string serviceId, ILogger logger)
        : this(new PostgresDatabase(connectionString, logger), serviceId, logger)
    {
    }

    private PostgresGrainStorage(PostgresDatabase db, string serviceId, ILogger logger)
        : base(db, serviceId, logger, Ddl)
    {
        _db = db;
    }

    public void Dispose() => _db.Dispose();

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
