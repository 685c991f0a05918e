using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Persistence;

/// <summary>
/// Grain storage of one service in a SQLite file (shareable by several processes on one machine). The schema is created on
/// first use. See <see cref="SqlGrainStorage"/> for the table and the etag rules.
/// </summary>
public sealed class SqliteGrainStorage : SqlGrainStorage, IDisposable
{
    internal static readonly string[] Ddl =
    [
        """
        CREATE TABLE IF NOT EXISTS OrleansDistStorage (
            ServiceId TEXT NOT NULL,
            GrainType TEXT NOT NULL,
            GrainKey TEXT NOT NULL,
            StateName TEXT NOT NULL,
            Payload TEXT NULL,
            Version INTEGER NOT NULL,
            ModifiedOn TEXT NOT NULL,
            PRIMARY KEY (ServiceId, GrainType, GrainKey, StateName)
        )
        """,
    ];

    private readonly SqliteDatabase _db;

    /// <param name="pathOrConnectionString">A file path (its directory is created if missing) or a Microsoft.Data.Sqlite connection string.</param>
    /// <param name="serviceId">States are keyed by this (ClusterOptions.ServiceId), so several services can share a file.</param>
    public SqliteGrainStorage(string pathOrConnectionString, string serviceId, ILogger logger)
        : this(new SqliteDatabase(pathOrConnectionString, logger), serviceId, logger)
    {
    }

    private SqliteGrainStorage(SqliteDatabase db, string serviceId, ILogger logger)
        : base(db, serviceId, logger, Ddl)
    {
        _db = db;
    }

    public string FilePath => _db.FilePath;

    public void Dispose() => _db.Dispose();
}
