namespace Dist.GrainInterfaces.P2P;

/// <summary>
/// The tracker (the seed's manager), key <see cref="DefaultKey"/>: peers register with heartbeats, a peer that misses
/// them is dropped, and the live list is pushed to every live peer and every subscribed observer on each change.
/// </summary>
[Alias("p2p.ITrackerGrain")]
public interface ITrackerGrain : IGrainWithStringKey
{
    public const string DefaultKey = "tracker";

    /// <summary>Registers the peer or keeps it alive; returns the current list.</summary>
    [Alias("Heartbeat")]
    Task<PeerList> Heartbeat(PeerInfo peer);

    /// <summary>A peer leaving on purpose (its silo stops gracefully).</summary>
    [Alias("Leave")]
    Task Leave(string peerName);

    [Alias("GetPeers")]
    Task<PeerList> GetPeers();

    /// <summary>Subscribes an observer for <see cref="TrackerTimings.ObserverExpiry"/>; resubscribe before it runs out.</summary>
    [Alias("Subscribe")]
    Task Subscribe(IPeerListObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IPeerListObserver observer);
}
