using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Membership;

/// <summary>
/// Membership table of one cluster in PostgreSQL, in Orleans' table shape (plus an integer <c>ETag</c> column per row).
/// The schema is created on first use, serialized across processes by <c>pg_advisory_xact_lock</c>.
/// See <see cref="SqlMembershipTable"/> for the compare-and-swap and the etag scheme. Connection failures raise
/// <see cref="InvalidOperationException"/> naming host and port; retrying is the caller's business.
/// </summary>
public sealed class PostgresMembershipTable : SqlMembershipTable, IDisposable, IAsyncDisposable
{
    internal static readonly string[] Ddl =
    [
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId varchar(150) NOT NULL PRIMARY KEY,
            Timestamp timestamptz NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL,
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName text NOT NULL,
            HostName text NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes text NULL,
            StartTime timestamptz NOT NULL,
            IAmAliveTime timestamptz NOT NULL,
            ETag integer NOT NULL DEFAULT 1,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        )
        """,
    ];

    private readonly PostgresDatabase _db;

    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=app;Password=...;Database=orleans</c>.</param>
    /// <param name="clusterId">The cluster (DeploymentId) whose rows this instance reads and writes.</param>
    public PostgresMembershipTable(string connectionString, string clusterId, ILogger logger)
        : this(new PostgresDatabase(connectionString, logger), clusterId, logger)
    {
    }

    private PostgresMembershipTable(PostgresDatabase db, string clusterId, ILogger logger)
        : base(db, clusterId, logger, Ddl)
    {
        _db = db;
    }

    public void Dispose() => _db.Dispose();

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
