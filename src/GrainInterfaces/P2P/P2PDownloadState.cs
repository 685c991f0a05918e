namespace Dist.GrainInterfaces.P2P;

public enum P2PDownloadState
{
    Running = 0,
    Completed = 1,
    Failed = 2,
}
