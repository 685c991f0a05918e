using Orleans.Concurrency;

namespace Dist.GrainInterfaces.P2P;

/// <summary>Receives the tracker's live-peer list on every change (a watching client).</summary>
[Alias("p2p.IPeerListObserver")]
public interface IPeerListObserver : IGrainObserver
{
    [OneWay, Alias("PeersChanged")]
    Task PeersChanged(PeerList peers);
}
