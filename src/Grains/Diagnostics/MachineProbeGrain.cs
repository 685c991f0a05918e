using Dist.GrainInterfaces.Diagnostics;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Grains.Diagnostics;

[MachineBoundPlacement]
public sealed class MachineProbeGrain(ILocalSiloDetails silo) : Grain, IMachineProbeGrain
{
    public Task<MachineDescription> Describe() =>
        Task.FromResult(new MachineDescription(silo.Name, silo.SiloAddress.ToParsableString(), Environment.ProcessId, Environment.MachineName));
}
