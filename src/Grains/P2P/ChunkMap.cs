namespace OrleansDist.Grains.P2P;

/// <summary>Which chunks of a download are verified and written: one bit per chunk, persisted as raw bytes.</summary>
public sealed class ChunkMap
{
    private readonly byte[] _bits;

    public ChunkMap(int chunkCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        ChunkCount = chunkCount;
        _bits = new byte[(chunkCount + 7) / 8];
    }

    public int ChunkCount { get; }

    public int Count { get; private set; }

    public bool IsComplete => Count == ChunkCount;

    public bool Has(int chunk) => (_bits[chunk >> 3] & (1 << (chunk & 7))) != 0;

    /// <summary>Marks a chunk; false when it was already marked.</summary>
    public bool Mark(int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunk, ChunkCount);
        if (Has(chunk))
        {
            return false;
        }

        _bits[chunk >> 3] |= (byte)(1 << (chunk & 7));
        Count++;
        return true;
    }

    public void Clear(int chunk)
    {
        if (Has(chunk))
        {
            _bits[chunk >> 3] &= (byte)~(1 << (chunk & 7));
            Count--;
        }
    }

    public IEnumerable<int> Missing()
    {
        for (var i = 0; i < ChunkCount; i++)
        {
            if (!Has(i))
            {
                yield return i;
            }
        }
    }

    public IEnumerable<int> Present()
    {
        for (var i = 0; i < ChunkCount; i++)
        {
            if (Has(i))
            {
                yield return i;
            }
        }
    }

    public byte[] ToBytes() => (byte[])_bits.Clone();

    /// <summary>A map read back from disk; null when the bytes cannot be one for <paramref name="chunkCount"/> chunks.</summary>
    public static ChunkMap? FromBytes(int chunkCount, ReadOnlySpan<byte> bytes)
    {
        var map = new ChunkMap(chunkCount);
        if (bytes.Length != map._bits.Length)
        {
            return null;
        }

        for (var i = 0; i < chunkCount; i++)
        {
            if ((bytes[i >> 3] & (1 << (i & 7))) != 0)
            {
                map.Mark(i);
            }
        }

        // bits past the last chunk must be clear, or this is not our file
        var padding = map._bits.Length * 8 - chunkCount;
        return padding > 0 && (bytes[^1] >> (8 - padding)) != 0 ? null : map;
    }
}
