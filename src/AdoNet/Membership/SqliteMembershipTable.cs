using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Membership;

/// <summary>
/// Membership table of one cluster in a SQLite file that several silo processes on one machine share (WAL journal,
/// 5 s busy timeout, writes in <c>BEGIN IMMEDIATE</c> transactions, retries while busy). The schema is created on first use.
/// See <see cref="SqlMembershipTable"/> for the tables, the compare-and-swap and the etag scheme.
/// </summary>
public sealed class SqliteMembershipTable : SqlMembershipTable, IDisposable
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

    /// <param name="pathOrConnectionString">A file path (its directory is created if missing) or a Microsoft.Data.Sqlite connection string.</param>
    /// <param name="clusterId">The cluster (DeploymentId) whose rows this instance reads and writes.</param>
    public SqliteMembershipTable(string pathOrConnectionString, string clusterId, ILogger logger)
        : this(new SqliteDatabase(pathOrConnectionString, logger), clusterId, logger)
    {
    }

    private SqliteMembershipTable(SqliteDatabase db, string clusterId, ILogger logger)
        : base(db, clusterId, logger, Ddl)
    {
        _db = db;
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath => _db.FilePath;

    public void Dispose() => _db.Dispose();
}
