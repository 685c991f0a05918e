using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Persistence;

namespace OrleansDist.AdoNet.Persistence;

/// <summary>
/// Grain state in SQL, shared by the SQLite and PostgreSQL providers. Table <c>OrleansDistStorage(ServiceId, GrainType,
/// GrainKey, StateName, Payload, Version, ModifiedOn)</c> keyed by (ServiceId, GrainType, GrainKey, StateName); Payload is the
/// state as System.Text.Json text.
/// </summary>
/// <remarks>
/// Etag = the row's integer <c>Version</c> as text: 1 when the row is created, +1 on every write. Write with a null etag inserts
/// (a row that exists is a conflict); write with an etag updates only <c>WHERE Version = @etag</c>; clear keeps the row as a
/// tombstone (Payload NULL, Version + 1) only <c>WHERE Version = @etag</c>, so versions never restart and a grain holding an
/// etag from before the clear cannot overwrite it. Conflicts throw <see cref="InconsistentStateException"/> carrying the stored etag (null when
/// there is no row).
/// </remarks>
public abstract class SqlGrainStorage : IGrainStorage
{
    internal const string Component = "GrainStorage";
    internal const int SchemaVersion = 1;

    private const string KeyCondition = "ServiceId = @serviceId AND GrainType = @grainType AND GrainKey = @grainKey AND StateName = @stateName";

    private readonly IAdoNetDatabase _db;
    private readonly string _serviceId;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _ddl;
    private volatile bool _schemaReady;

    private protected SqlGrainStorage(IAdoNetDatabase db, string serviceId, ILogger logger, IReadOnlyList<string> ddl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _db = db;
        _serviceId = serviceId;
        _logger = logger;
        _ddl = ddl;
    }

    public string ServiceId => _serviceId;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _db.EnsureSchemaAsync(Component, SchemaVersion, _ddl, cancellationToken).ConfigureAwait(false);
        _schemaReady = true;
    }

    public async Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var record = await _db.RunAsync(write: false, async (connection, transaction, ct) =>
        {
            await using var command = Sql.Command(connection, transaction, $"SELECT Payload, Version FROM OrleansDistStorage WHERE {KeyCondition}", KeyParameters(stateName, grainId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? (Payload: reader.IsDBNull(0) ? null : reader.GetString(0), Version: (long?)reader.GetInt64(1))
                : (Payload: null, Version: null);
        }, cancellationToken).ConfigureAwait(false);

        if (record is { Version: { } version, Payload: { } payload })
        {
            grainState.State = GrainStateSerializer.Deserialize<TState>(payload);
            grainState.ETag = GrainStateSerializer.FormatEtag(version);
            grainState.RecordExists = true;
        }
        else if (record.Version is { } tombstone)
        {
            grainState.State = GrainStateSerializer.CreateDefault<TState>();
            grainState.ETag = GrainStateSerializer.FormatEtag(tombstone);
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = GrainStateSerializer.CreateDefault<TState>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var payload = GrainStateSerializer.Serialize(grainState.State);
        var etag = grainState.ETag;
        var newVersion = await _db.RunAsync(write: true, async (connection, transaction, ct) =>
        {
            var key = KeyParameters(stateName, grainId);
            if (etag is null)
            {
                var inserted = await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO OrleansDistStorage (ServiceId, GrainType, GrainKey, StateName, Payload, Version, ModifiedOn) "
                    + "VALUES (@serviceId, @grainType, @grainKey, @stateName, @payload, 1, @now) "
                    + "ON CONFLICT (ServiceId, GrainType, GrainKey, StateName) DO NOTHING",
                    ct,
                    [.. key, ("payload", payload), ("now", _db.TimeValue(DateTimeOffset.UtcNow))]).ConfigureAwait(false);
                return inserted == 1 ? 1L : (long?)null;
            }

            if (!long.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected))
            {
                return null;
            }

            var updated = await Sql.ExecuteAsync(
                connection,
                transaction,
                $"UPDATE OrleansDistStorage SET Payload = @payload, Version = Version + 1, ModifiedOn = @now WHERE {KeyCondition} AND Version = @version",
                ct,
                [.. key, ("payload", payload), ("now", _db.TimeValue(DateTimeOffset.UtcNow)), ("version", expected)]).ConfigureAwait(false);
            return updated == 1 ? expected + 1 : (long?)null;
        }, cancellationToken).ConfigureAwait(false);

        if (newVersion is null)
        {
            throw await ConflictAsync("write", stateName, grainId, etag, cancellationToken).ConfigureAwait(false);
        }

        grainState.ETag = GrainStateSerializer.FormatEtag(newVersion.Value);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var etag = grainState.ETag;
        var cleared = await _db.RunAsync(write: true, async (connection, transaction, ct) =>
        {
            var key = KeyParameters(stateName, grainId);
            if (etag is null)
            {
                // Nothing was stored when the grain read: fine as long as that is still true.
                var existing = await Sql.ScalarAsync(connection, transaction, $"SELECT Version FROM OrleansDistStorage WHERE {KeyCondition}", ct, key).ConfigureAwait(false);
                return existing is null ? (Ok: true, Version: (long?)null) : (Ok: false, Version: null);
            }

            if (!long.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected))
            {
                return (Ok: false, Version: null);
            }

            var updated = await Sql.ExecuteAsync(
                connection,
                transaction,
                $"UPDATE OrleansDistStorage SET Payload = NULL, Version = Version + 1, ModifiedOn = @now WHERE {KeyCondition} AND Version = @version",
                ct,
                [.. key, ("now", _db.TimeValue(DateTimeOffset.UtcNow)), ("version", expected)]).ConfigureAwait(false);
            return updated == 1 ? (Ok: true, Version: expected + 1) : (Ok: false, Version: null);
        }, cancellationToken).ConfigureAwait(false);

        if (!cleared.Ok)
        {
            throw await ConflictAsync("clear", stateName, grainId, etag, cancellationToken).ConfigureAwait(false);
        }

        grainState.State = GrainStateSerializer.CreateDefault<TState>();
        grainState.ETag = cleared.Version is { } tombstoneVersion ? GrainStateSerializer.FormatEtag(tombstoneVersion) : null;
        grainState.RecordExists = false;
    }

    private async Task<InconsistentStateException> ConflictAsync(string operation, string stateName, GrainId grainId, string? grainEtag, CancellationToken cancellationToken)
    {
        var stored = await _db.RunAsync(write: false, (connection, transaction, ct) => Sql.ScalarAsync(
            connection,
            transaction,
            $"SELECT Version FROM OrleansDistStorage WHERE {KeyCondition}",
            ct,
            KeyParameters(stateName, grainId)), cancellationToken).ConfigureAwait(false);
        var storedEtag = stored is null ? null : GrainStateSerializer.FormatEtag(Convert.ToInt64(stored, CultureInfo.InvariantCulture));
        AdoNetLog.StorageConflict(_logger, operation, grainId.Type, grainId.Key, stateName, storedEtag, grainEtag);
        return new InconsistentStateException(
            $"The {operation} of state '{stateName}' of grain {grainId} (service '{_serviceId}') conflicts with another write",
            storedEtag,
            grainEtag);
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private (string, object?)[] KeyParameters(string stateName, GrainId grainId) =>
    [
        ("serviceId", _serviceId),
        ("grainType", grainId.Type),
        ("grainKey", grainId.Key),
        ("stateName", stateName),
    ];
}
