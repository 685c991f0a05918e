using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Persistence;

/// <summary>
/// Grain storage of one service in a SQLite file (shareable by several processes on one machine). The schema is created on
/// first use. See <see cref="SqlGrainStorage"/> for the table and the etag rules.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
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
    private readonly SqlGrainStorage _storage;

    /// <param name="pathOrConnectionString">A file path (its directory is created if missing) or a Microsoft.Data.Sqlite connection string.</param>
    /// <param name="serviceId">States are keyed by this (ClusterOptions.ServiceId), so several services can share a file.</param>
    public SqliteGrainStorage(string pathOrConnectionString, string serviceId, ILogger logger)
    {
        _db = new SqliteDatabase(pathOrConnectionString, logger);
        _storage = new SqlGrainStorage(_db, serviceId, logger, Ddl);
    }

    public string FilePath => _db.FilePath;

    public string ServiceId => _storage.ServiceId;

    /// <summary>Creates the schema now (it is otherwise created on first use). Idempotent.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _storage.InitializeAsync(cancellationToken);

    public Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken) =>
        _storage.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken) =>
        _storage.WriteStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken) =>
        _storage.ClearStateAsync(stateName, grainId, grainState, cancellationToken);

    public void Dispose() => _db.Dispose();
}
