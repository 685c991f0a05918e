namespace Dist.GrainInterfaces.P2P;

/// <summary>A peer refused a request: a path outside its share, a chunk too large, an unknown file, a bad argument.</summary>
[GenerateSerializer, Alias("p2p.refused")]
public sealed class PeerRequestRefusedException : OrleansException
{
    public PeerRequestRefusedException(string message) : base(message)
    {
    }
}
