using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Membership;

/// <summary>
/// Membership table of one cluster in a SQLite file that several silo processes on one machine share (WAL journal,
/// 5 s busy timeout, writes in <c>BEGIN IMMEDIATE</c> transactions, retries while busy). The schema is created on first use.
/// See <see cref="SqlMembershipTable"/> for the tables, the compare-and-swap and the etag scheme.
/// </summary>
public sealed class SqliteMembershipTable : IMembershipTable, IDisposable
{
    internal static readonly string[] Ddl =
    [
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId TEXT NOT NULL PRIMARY KEY,
            Timestamp TEXT NOT NULL,
            Version INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId TEXT NOT NULL,
            Address TEXT NOT NULL,
            Port INTEGER NOT NULL,
            Generation INTEGER NOT NULL,
            SiloName TEXT NOT NULL,
            HostName TEXT NOT NULL,
            Status INTEGER NOT NULL,
            ProxyPort INTEGER NULL,
            SuspectTimes TEXT NULL,
            StartTime TEXT NOT NULL,
            IAmAliveTime TEXT NOT NULL,
            ETag INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        )
        """,
    ];

    private readonly SqliteDatabase _db;
    private readonly SqlMembershipTable _table;

    /// <param name="pathOrConnectionString">A file path (its directory is created if missing) or a Microsoft.Data.Sqlite connection string.</param>
    /// <param name="clusterId">The cluster (DeploymentId) whose rows this instance reads and writes.</param>
    public SqliteMembershipTable(string pathOrConnectionString, string clusterId, ILogger logger)
    {
        _db = new SqliteDatabase(pathOrConnectionString, logger);
        _table = new SqlMembershipTable(_db, clusterId, logger, Ddl);
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath => _db.FilePath;

    public string ClusterId => _table.ClusterId;

    public Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken) => _table.InitializeMembershipTable(tryInitTableVersion, cancellationToken);

    public Task<MembershipTableData> ReadAll(CancellationToken cancellationToken) => _table.ReadAll(cancellationToken);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken) => _table.InsertRow(entry, newVersion, cancellationToken);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken) => _table.UpdateRow(entry, etag, newVersion, cancellationToken);

    public Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken) => _table.UpdateIAmAlive(entry, cancellationToken);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken) => _table.CleanupDefunctSiloEntries(beforeDate, cancellationToken);

    public Task DeleteMembershipTableEntries(CancellationToken cancellationToken) => _table.DeleteMembershipTableEntries(cancellationToken);

    public void Dispose() => _db.Dispose();
}
