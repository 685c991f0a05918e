using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>A download into a share: its engine (for progress) and its run (for the final status).</summary>
public sealed record PeerDownload(ChunkDownload Engine, Task<P2PDownloadStatus> Run)
{
    public P2PDownloadStatus Status() => Run.IsCompletedSuccessfully ? Run.Result : Engine.Snapshot();

    public bool IsRunning => Status().State == P2PDownloadState.Running;
}
