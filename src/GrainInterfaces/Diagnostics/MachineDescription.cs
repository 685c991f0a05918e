namespace Dist.GrainInterfaces.Diagnostics;

/// <summary>Where a machine-bound grain runs: the silo's name and address, its process id and host name.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.MachineDescription")]
public sealed record MachineDescription(
    [property: Id(0)] string SiloName,
    [property: Id(1)] string SiloAddress,
    [property: Id(2)] int ProcessId,
    [property: Id(3)] string HostName);
