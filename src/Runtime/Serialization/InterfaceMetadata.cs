using System.Collections.Concurrent;
using System.Reflection;

namespace OrleansDist.Runtime.Serialization;

/// <summary>Method descriptors of grain and observer interfaces, built on first use and cached for the process.</summary>
internal sealed class InterfaceMetadata
{
    private static readonly ConcurrentDictionary<Type, InterfaceMetadata> s_byType = new();
    private static readonly ConcurrentDictionary<string, Type> s_byName = new(StringComparer.Ordinal);

    private readonly Dictionary<MethodInfo, MethodDescriptor> _byMethod = [];
    private readonly Dictionary<string, MethodDescriptor> _byKey = new(StringComparer.Ordinal);

    private InterfaceMetadata(Type interfaceType)
    {
        if (!interfaceType.IsInterface || !typeof(IAddressable).IsAssignableFrom(interfaceType))
        {
            throw new ArgumentException($"{interfaceType.FullName} is not a grain or observer interface (it must be an interface deriving IGrain… or IGrainObserver).");
        }

        if (interfaceType.IsGenericTypeDefinition)
        {
            throw new NotSupportedException($"{interfaceType.FullName}: open generic grain interfaces are not supported.");
        }

        InterfaceType = interfaceType;
        Name = interfaceType.FullName!;
        foreach (var type in new[] { interfaceType }.Concat(interfaceType.GetInterfaces()))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                var descriptor = new MethodDescriptor(interfaceType, method);
                if (!_byKey.TryAdd(descriptor.Key, descriptor))
                {
                    throw new NotSupportedException(
                        $"{Name} has two methods named {method.Name} with {descriptor.ParameterTypes.Length} parameters; overloads must differ in parameter count.");
                }

                _byMethod[method] = descriptor;
            }
        }
    }

    public Type InterfaceType { get; }

    public string Name { get; }

    public IEnumerable<MethodDescriptor> Methods => _byKey.Values;

    public static InterfaceMetadata Get(Type interfaceType)
    {
        if (s_byType.TryGetValue(interfaceType, out var metadata))
        {
            return metadata;
        }

        metadata = s_byType.GetOrAdd(interfaceType, static t => new InterfaceMetadata(t));
        s_byName.TryAdd(metadata.Name, interfaceType);
        return metadata;
    }

    /// <summary>Finds an interface by full name among those already loaded, scanning assemblies once if needed.</summary>
    public static bool TryGetByName(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InterfaceMetadata? metadata)
    {
        if (!s_byName.TryGetValue(name, out var type))
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (assembly.IsDynamic)
                {
                    continue;
                }

                type = assembly.GetType(name, throwOnError: false);
                if (type is not null)
                {
                    break;
                }
            }
        }

        if (type is null || !type.IsInterface || !typeof(IAddressable).IsAssignableFrom(type))
        {
            metadata = null;
            return false;
        }

        metadata = Get(type);
        return true;
    }

    public MethodDescriptor GetMethod(MethodInfo method) =>
        _byMethod.TryGetValue(method, out var descriptor)
            ? descriptor
            : throw new InvalidOperationException($"{method.Name} is not a method of {Name}");

    public bool TryGetMethod(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MethodDescriptor? descriptor) =>
        _byKey.TryGetValue(key, out descriptor);
}
