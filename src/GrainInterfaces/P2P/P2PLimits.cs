namespace Dist.GrainInterfaces.P2P;

/// <summary>Caps every peer enforces.</summary>
public static class P2PLimits
{
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>The largest chunk a peer serves in one call (grain messages carry whole chunks).</summary>
    public const int MaxChunkSize = 4 << 20;

    public const int MinChunkSize = 4 << 10;

    /// <summary>Chunk reads a peer serves at once; more wait their turn.</summary>
    public const int MaxConcurrentUploads = 8;

    public const int MaxParallel = 64;
}
