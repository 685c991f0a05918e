using Dist.GrainInterfaces.Diagnostics;

namespace OrleansDist.Grains.Diagnostics;

public sealed class HelloGrain(ILocalSiloDetails silo) : Grain, IHelloGrain
{
    public Task<string> SayHello(string from) =>
        Task.FromResult($"Hello, {from}! This is grain '{this.GetPrimaryKeyString()}' on silo {silo.Name}.");
}
