namespace Dist.GrainInterfaces.Diagnostics;

/// <summary>
/// A machine-bound grain (key <c>"&lt;silo name&gt;/&lt;anything&gt;"</c>) that says which process and host it runs in: how a
/// client finds the process behind a silo name, e.g. to kill it in a crash experiment.
/// </summary>
[Alias("OrleansDist.IMachineProbeGrain")]
public interface IMachineProbeGrain : IGrainWithStringKey
{
    [Alias("Describe")]
    Task<MachineDescription> Describe();
}
