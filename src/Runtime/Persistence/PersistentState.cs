using OrleansDist.Persistence;

namespace OrleansDist.Runtime.Persistence;

internal interface IPersistentStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}

/// <summary>The <see cref="IPersistentState{TState}"/> injected into a grain: one named state in one storage provider.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateLoader
{
    private readonly string _stateName;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;

    public PersistentState(string stateName, GrainId grainId, IGrainStorage storage)
    {
        _stateName = stateName;
        _grainId = grainId;
        _storage = storage;
        State = CreateDefault();
    }

    public TState State { get; set; }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    public Task ReadStateAsync(CancellationToken cancellationToken = default) => _storage.ReadStateAsync(_stateName, _grainId, this, cancellationToken);

    public Task WriteStateAsync(CancellationToken cancellationToken = default) => _storage.WriteStateAsync(_stateName, _grainId, this, cancellationToken);

    public Task ClearStateAsync(CancellationToken cancellationToken = default) => _storage.ClearStateAsync(_stateName, _grainId, this, cancellationToken);

    internal static TState CreateDefault() =>
        typeof(TState).IsValueType || typeof(TState) == typeof(string) || typeof(TState).GetConstructor(Type.EmptyTypes) is null
            ? default!
            : Activator.CreateInstance<TState>();
}
