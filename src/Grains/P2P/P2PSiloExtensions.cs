using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.P2P;

public static class P2PSiloExtensions
{
    /// <summary>
    /// Hosts these peers on the silo: their shares (<see cref="PeerShareRegistry"/>) and their heartbeats to the
    /// tracker. Their peer grains live here because their keys name this silo (machine-bound placement).
    /// </summary>
    public static ISiloBuilder AddP2PPeers(this ISiloBuilder silo, IReadOnlyList<PeerShareOptions> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        silo.Services.AddSingleton(sp => new PeerShareRegistry(peers, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        silo.Services.AddSingleton<PeerHeartbeatService>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PeerHeartbeatService>());
        return silo;
    }
}
