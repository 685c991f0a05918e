namespace OrleansDist.Runtime.SystemTargets;

/// <summary>
/// A silo-level service called through the same messaging as grains, but addressed to one silo and never activated:
/// directory partitions, membership probes, the development membership table.
/// </summary>
public interface ISystemTarget : IAddressable;

internal static class SystemTargetIds
{
    public const string Prefix = "sys.svc.";

    public static bool IsSystemTarget(GrainId id) => id.Type.StartsWith(Prefix, StringComparison.Ordinal);

    public static string TypeName(Type interfaceType) => Prefix + interfaceType.Name;
}
