using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// The tracker (the seed's manager). Heartbeats arrive from every peer's silo each second; a timer drops the peers
/// silent for <see cref="TrackerTimings.PeerTimeout"/>; every change is pushed to every live peer and every subscribed
/// observer. It keeps no state of its own: if its silo dies it comes back elsewhere and the next second's heartbeats
/// rebuild the list (watchers resubscribe).
/// </summary>
public sealed class TrackerGrain(TimeProvider time, ILogger<TrackerGrain> logger) : Grain, ITrackerGrain
{
    private static readonly TimeSpan ExpiryCheck = TimeSpan.FromMilliseconds(250);

    private readonly LivePeerTable _table = new(TrackerTimings.PeerTimeout);
    private readonly ObserverManager<IPeerListObserver> _observers = new(TrackerTimings.ObserverExpiry, logger);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(CheckExpiry, new GrainTimerCreationOptions(ExpiryCheck, ExpiryCheck) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task<PeerList> Heartbeat(PeerInfo peer)
    {
        if (_table.Heartbeat(peer, time.GetUtcNow()))
        {
            Broadcast();
        }

        return Task.FromResult(_table.Snapshot());
    }

    public Task Leave(string peerName)
    {
        if (_table.Leave(peerName))
        {
            Broadcast();
        }

        return Task.CompletedTask;
    }

    public Task<PeerList> GetPeers() => Task.FromResult(_table.Snapshot());

    public Task Subscribe(IPeerListObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IPeerListObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Task CheckExpiry(CancellationToken cancellationToken)
    {
        if (_table.Expire(time.GetUtcNow()).Count > 0)
        {
            Broadcast();
        }

        return Task.CompletedTask;
    }

    private void Broadcast()
    {
        var list = _table.Snapshot();
        P2PLog.PeersChanged(logger, list.Change, list.Peers.Count);
        _observers.Notify(o => o.PeersChanged(list));
        foreach (var peer in list.Peers)
        {
            // one-way: a peer whose silo just died must not hold up the others
            _ = GrainFactory.GetGrain<IPeerGrain>(peer.GrainKey).PeersChanged(list);
        }
    }
}
