using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Persistence;

/// <summary>
/// Grain storage of one service in PostgreSQL. The schema is created on first use, serialized across processes by
/// <c>pg_advisory_xact_lock</c>. See <see cref="SqlGrainStorage"/> for the table and the etag rules.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IDisposable, IAsyncDisposable
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
    private readonly SqlGrainStorage _storage;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="serviceId">States are keyed by this (ClusterOptions.ServiceId), so several services can share a database.</param>
    public PostgresGrainStorage(string connectionString, string serviceId, ILogger logger)
    {
        _db = new PostgresDatabase(connectionString, logger);
        _storage = new SqlGrainStorage(_db, serviceId, logger, Ddl);
    }

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

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
