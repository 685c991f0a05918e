namespace OrleansDist.Persistence;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> to be injected.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    /// <summary>Name of the storage provider; null selects the default one.</summary>
    public string? StorageName { get; } = storageName;
}
