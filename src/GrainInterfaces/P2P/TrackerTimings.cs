namespace Dist.GrainInterfaces.P2P;

/// <summary>Heartbeat timing shared by the peers' silos, the tracker and watching clients.</summary>
public static class TrackerTimings
{
    /// <summary>How often each silo sends a heartbeat for each of its peers.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>A peer without a heartbeat for this long (three missed heartbeats) is dropped.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>An observer not renewed for this long is forgotten (watchers resubscribe every few seconds).</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromSeconds(30);
}
