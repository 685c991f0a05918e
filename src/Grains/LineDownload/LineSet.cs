namespace OrleansDist.Grains.LineDownload;

/// <summary>A set of line numbers 0..capacity-1 as a bitmap: what a collection holds, sent to fetchers after every hand-over.</summary>
public sealed class LineSet
{
    private readonly byte[] _bits;

    public LineSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _bits = new byte[(capacity + 7) / 8];
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsComplete => Count == Capacity;

    public bool Contains(int number) => (uint)number < (uint)Capacity && (_bits[number >> 3] & (1 << (number & 7))) != 0;

    /// <summary>Adds <paramref name="number"/>; false when it was already there or is out of range.</summary>
    public bool Add(int number)
    {
        if ((uint)number >= (uint)Capacity || Contains(number))
        {
            return false;
        }

        _bits[number >> 3] |= (byte)(1 << (number & 7));
        Count++;
        return true;
    }

    /// <summary>Adds every number set in <paramref name="bitmap"/> (from <see cref="ToBitmap"/>); extra bits are ignored.</summary>
    public void UnionWith(ReadOnlySpan<byte> bitmap)
    {
        var bytes = Math.Min(bitmap.Length, _bits.Length);
        for (var i = 0; i < bytes; i++)
        {
            var incoming = bitmap[i] & ~_bits[i];
            while (incoming != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(incoming);
                incoming &= incoming - 1;
                Add((i * 8) + bit);
            }
        }
    }

    public byte[] ToBitmap() => (byte[])_bits.Clone();

    public static LineSet FromBitmap(int capacity, ReadOnlySpan<byte> bitmap)
    {
        var set = new LineSet(capacity);
        set.UnionWith(bitmap);
        return set;
    }
}
