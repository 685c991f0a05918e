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
public sealed class PostgresMembershipTable : IMembershipTable, IDisposable, IAsyncDisposable
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
    private readonly SqlMembershipTable _table;

    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=app;Password=...;Database=orleans</c>.</param>
    /// <param name="clusterId">The cluster (DeploymentId) whose rows this instance reads and writes.</param>
    public PostgresMembershipTable(string connectionString, string clusterId, ILogger logger)
    {
        _db = new PostgresDatabase(connectionString, logger);
        _table = new SqlMembershipTable(_db, clusterId, logger, Ddl);
    }

    public string ClusterId => _table.ClusterId;

    public Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken) => _table.InitializeMembershipTable(tryInitTableVersion, cancellationToken);

    public Task<MembershipTableData> ReadAll(CancellationToken cancellationToken) => _table.ReadAll(cancellationToken);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken) => _table.InsertRow(entry, newVersion, cancellationToken);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken) => _table.UpdateRow(entry, etag, newVersion, cancellationToken);

    public Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken) => _table.UpdateIAmAlive(entry, cancellationToken);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken) => _table.CleanupDefunctSiloEntries(beforeDate, cancellationToken);

    public Task DeleteMembershipTableEntries(CancellationToken cancellationToken) => _table.DeleteMembershipTableEntries(cancellationToken);

    public void Dispose() => _db.Dispose();

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
