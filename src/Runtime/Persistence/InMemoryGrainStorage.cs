using System.Globalization;
using System.Text.Json;
using OrleansDist.Persistence;

namespace OrleansDist.Runtime.Persistence;

/// <summary>
/// Grain storage in process memory. States are kept as JSON text, so grains never share object instances with the store
/// (or with each other). Etag: the record's version as text, 1 after the first write and +1 on every write; a write with a
/// null etag creates the record, any other write or clear must carry the stored etag, else <see cref="InconsistentStateException"/>.
/// A clear keeps a tombstone with the next version, so versions never restart.
/// Share one instance between the silos of an in-process test cluster so they see the same state.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string GrainType, string GrainKey, string StateName), (string? Json, int Version)> _records = [];

    public Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        (string? Json, int Version) record;
        bool found;
        lock (_lock)
        {
            found = _records.TryGetValue(Key(stateName, grainId), out record);
        }

        if (found && record.Json is { } json)
        {
            grainState.State = GrainStateSerializer.Deserialize<TState>(json);
            grainState.ETag = GrainStateSerializer.FormatEtag(record.Version);
            grainState.RecordExists = true;
        }
        else if (found)
        {
            // cleared: the version goes on, so an etag from before the clear stays stale
            grainState.State = GrainStateSerializer.CreateDefault<TState>();
            grainState.ETag = GrainStateSerializer.FormatEtag(record.Version);
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = GrainStateSerializer.CreateDefault<TState>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        var json = GrainStateSerializer.Serialize(grainState.State);
        var key = Key(stateName, grainId);
        int newVersion;
        lock (_lock)
        {
            var exists = _records.TryGetValue(key, out var stored);
            var storedEtag = exists ? GrainStateSerializer.FormatEtag(stored.Version) : null;
            if (!string.Equals(storedEtag, grainState.ETag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException($"Write of state '{stateName}' of grain {grainId} conflicts with another write", storedEtag, grainState.ETag);
            }

            newVersion = exists ? stored.Version + 1 : 1;
            _records[key] = (json, newVersion);
        }

        grainState.ETag = GrainStateSerializer.FormatEtag(newVersion);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        var key = Key(stateName, grainId);
        lock (_lock)
        {
            var exists = _records.TryGetValue(key, out var stored);
            var storedEtag = exists ? GrainStateSerializer.FormatEtag(stored.Version) : null;
            if (!string.Equals(storedEtag, grainState.ETag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException($"Clear of state '{stateName}' of grain {grainId} conflicts with another write", storedEtag, grainState.ETag);
            }

            if (exists)
            {
                _records[key] = (null, stored.Version + 1);
            }
        }

        grainState.State = GrainStateSerializer.CreateDefault<TState>();
        grainState.ETag = _records.TryGetValue(key, out var tombstone) ? GrainStateSerializer.FormatEtag(tombstone.Version) : null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static (string, string, string) Key(string stateName, GrainId grainId) => (grainId.Type, grainId.Key, stateName);
}

/// <summary>How every storage provider turns grain state into text and back (System.Text.Json, fields included).</summary>
public static class GrainStateSerializer
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General) { IncludeFields = true };

    public static string Serialize<TState>(TState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>Deserializes stored JSON; a stored <c>null</c> becomes a new instance.</summary>
    public static TState Deserialize<TState>(string json) => JsonSerializer.Deserialize<TState>(json, Options) ?? CreateDefault<TState>();

    /// <summary>A new instance for types with a public parameterless constructor (and value types), else <c>default</c>.</summary>
    public static TState CreateDefault<TState>()
    {
        var type = typeof(TState);
        if (type.IsValueType || (!type.IsAbstract && !type.IsInterface && type.GetConstructor(Type.EmptyTypes) is not null))
        {
            return Activator.CreateInstance<TState>();
        }

        return default!;
    }

    public static string FormatEtag(long version) => version.ToString(CultureInfo.InvariantCulture);
}
