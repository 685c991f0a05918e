namespace OrleansDist.Hosting;

/// <summary>Names and defaults every OrleansDist process agrees on.</summary>
public static class ClusterDefaults
{
    public const string ClusterId = "dev";

    public const string ServiceId = "orleansdist";

    /// <summary>The grain storage that <c>[PersistentState]</c> uses when it names none.</summary>
    public const string GrainStorage = "Default";

    public const int SiloPort = 11111;

    public const int GatewayPort = 30000;
}
