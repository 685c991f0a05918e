using System.Reflection;
using OrleansDist.Concurrency;
using OrleansDist.Persistence;
using OrleansDist.Placement;

namespace OrleansDist.Runtime.Activation;

/// <summary>What the runtime knows about one grain class: how to build it and how to schedule and place it.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        IsReentrant = classType.GetCustomAttribute<ReentrantAttribute>() is not null;
        var worker = classType.GetCustomAttribute<StatelessWorkerAttribute>();
        IsStatelessWorker = worker is not null;
        MaxLocalWorkers = worker is null ? 0 : worker.MaxLocalWorkers > 0 ? worker.MaxLocalWorkers : Environment.ProcessorCount;
        Placement = classType.GetCustomAttribute<PlacementAttribute>()?.Kind ?? PlacementStrategyKind.Random;
        Constructor = classType.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType.FullName} has no public constructor");
        Parameters = Constructor.GetParameters();
        StateAttributes = [.. Parameters.Select(p => p.GetCustomAttribute<PersistentStateAttribute>())];
        for (var i = 0; i < Parameters.Length; i++)
        {
            var type = Parameters[i].ParameterType;
            if (StateAttributes[i] is not null && (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>)))
            {
                throw new InvalidOperationException($"{classType.Name}: [PersistentState] parameter '{Parameters[i].Name}' must be of type IPersistentState<T>");
            }
        }
    }

    public Type ClassType { get; }

    public bool IsReentrant { get; }

    public bool IsStatelessWorker { get; }

    public int MaxLocalWorkers { get; }

    public PlacementStrategyKind Placement { get; }

    public ConstructorInfo Constructor { get; }

    public ParameterInfo[] Parameters { get; }

    /// <summary>The [PersistentState] of each constructor parameter (null for the others), read once per class.</summary>
    public PersistentStateAttribute?[] StateAttributes { get; }
}
