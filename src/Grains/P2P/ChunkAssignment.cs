namespace OrleansDist.Grains.P2P;

/// <summary>One chunk given to one source; <see cref="Retry"/> counts earlier attempts at this chunk.</summary>
public readonly record struct ChunkAssignment(int Chunk, string Source, int Retry);
