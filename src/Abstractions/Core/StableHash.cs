using System.Text;

namespace OrleansDist;

/// <summary>FNV-1a over UTF-8: string.GetHashCode is randomised per process, so it cannot place grains across silos.</summary>
public static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Compute(string value) => Mix(OffsetBasis, value);

    public static uint Compute(string first, string second)
    {
        var hash = Mix(OffsetBasis, first);
        hash = (hash ^ 0x2F) * Prime;
        return Finalize(Mix(hash, second));
    }

    private static uint Mix(uint hash, string value)
    {
        Span<byte> buffer = value.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var count = Encoding.UTF8.GetBytes(value, buffer);
        foreach (var b in buffer[..count])
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    // FNV's low bits mix poorly for short keys; a murmur finaliser spreads them over the ring.
    private static uint Finalize(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
