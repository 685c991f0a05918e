using System.Reflection;

namespace OrleansDist.Runtime.Activation;

/// <summary>
/// Maps grain interfaces to the grain classes that implement them, found by scanning the grain assemblies.
/// A grain's identity type is its interface's full name, so a client needs only the interfaces.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<string, GrainClassInfo> _byInterface = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        foreach (var assembly in assemblies.Distinct())
        {
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = [.. ex.Types.Where(t => t is not null).Cast<Type>()];
            }

            foreach (var type in types)
            {
                if (!type.IsClass || type.IsAbstract || type.IsGenericTypeDefinition || !typeof(Grain).IsAssignableFrom(type))
                {
                    continue;
                }

                GrainClassInfo? info = null;
                foreach (var grainInterface in type.GetInterfaces())
                {
                    if (grainInterface == typeof(IGrain) || !typeof(IGrain).IsAssignableFrom(grainInterface)
                        || grainInterface == typeof(IGrainWithStringKey) || grainInterface == typeof(IGrainWithIntegerKey) || grainInterface == typeof(IGrainWithGuidKey))
                    {
                        continue;
                    }

                    info ??= new GrainClassInfo(type);
                    var name = grainInterface.FullName!;
                    if (_byInterface.TryGetValue(name, out var existing) && existing.ClassType != type)
                    {
                        throw new InvalidOperationException(
                            $"Both {existing.ClassType.FullName} and {type.FullName} implement grain interface {name}; each grain interface needs exactly one grain class.");
                    }

                    _byInterface[name] = info;
                }
            }
        }
    }

    public IReadOnlyCollection<string> Interfaces => _byInterface.Keys;

    public bool TryGet(string interfaceName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GrainClassInfo? info) =>
        _byInterface.TryGetValue(interfaceName, out info);

    /// <summary>The assemblies to scan: those given, plus every loaded or referenced non-framework assembly.</summary>
    public static IEnumerable<Assembly> DiscoverAssemblies(IEnumerable<Assembly> explicitAssemblies)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>(explicitAssemblies.Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic)));
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            queue.Enqueue(entry);
        }

        while (queue.TryDequeue(out var assembly))
        {
            var name = assembly.GetName().Name ?? "";
            if (!seen.Add(name) || IsFramework(name))
            {
                continue;
            }

            yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || seen.Contains(reference.Name) || IsFramework(reference.Name))
                {
                    continue;
                }

                Assembly? loaded = null;
                try
                {
                    loaded = Assembly.Load(reference);
                }
                catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // an optional reference that is not deployed cannot hold grains we need
                }

                if (loaded is not null)
                {
                    queue.Enqueue(loaded);
                }
            }
        }
    }

    private static bool IsFramework(string name) =>
        name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft", StringComparison.Ordinal)
        || name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || name.StartsWith("OpenTelemetry", StringComparison.Ordinal)
        || name.StartsWith("Npgsql", StringComparison.Ordinal) || name.StartsWith("SQLitePCL", StringComparison.Ordinal)
        || name is "netstandard" or "mscorlib" or "Spectre.Console" or "testhost" or "Newtonsoft.Json";
}
