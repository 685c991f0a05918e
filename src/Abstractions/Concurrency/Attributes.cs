namespace OrleansDist.Concurrency;

/// <summary>Calls to this grain may interleave at await points (still one thread at a time).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>This interface method may interleave with any other call on the grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>The caller does not wait for completion; no response, no exception, no timeout.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>
/// The grain has no identity-bound state: several activations may exist (up to <see cref="MaxLocalWorkers"/> per silo),
/// always on the calling silo, and none is registered in the directory.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : Attribute
{
    /// <summary>0 means one per processor core.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers;
}
