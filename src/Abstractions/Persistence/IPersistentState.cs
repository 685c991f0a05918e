namespace OrleansDist.Persistence;

/// <summary>
/// A named piece of grain state kept in a storage provider. The runtime reads it before <c>OnActivateAsync</c>.
/// </summary>
public interface IPersistentState<TState> : IGrainState<TState>
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the state; throws <see cref="InconsistentStateException"/> when someone else wrote since our read.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

public interface IGrainState<TState>
{
    TState State { get; set; }

    /// <summary>Opaque version of the stored record; null when nothing is stored.</summary>
    string? ETag { get; set; }

    bool RecordExists { get; set; }
}
