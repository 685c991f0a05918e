using Microsoft.Extensions.DependencyInjection;

namespace OrleansDist.Grains.Servers;

/// <summary>Adds the actor design's front end to a silo.</summary>
public static class ActorServerFrontEndExtensions
{
    public static ISiloBuilder AddActorServerFrontEnd(this ISiloBuilder silo, ActorFrontEndOptions options)
    {
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<ActorServerFrontEnd>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ActorServerFrontEnd>());
        return silo;
    }
}
