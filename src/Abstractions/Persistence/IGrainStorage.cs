namespace OrleansDist.Persistence;

/// <summary>
/// A storage provider. Implementations are registered as keyed singletons (<c>AddKeyedSingleton&lt;IGrainStorage&gt;(name, ...)</c>).
/// Every write compares the caller's etag with the stored one and throws <see cref="InconsistentStateException"/> on mismatch.
/// </summary>
public interface IGrainStorage
{
    Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);

    Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);

    Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);
}

public static class GrainStorageNames
{
    /// <summary>The key under which the default storage provider is registered.</summary>
    public const string Default = "Default";
}
