namespace OrleansDist.Grains.P2P;

/// <summary>The experiments' test file: <c>size</c> bytes from <see cref="Random"/> seeded with <c>seed</c>, so every
/// machine writes the same bytes without copying them.</summary>
public static class PseudoRandomFile
{
    public static void Write(string path, long size, int seed, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (long written = 0; written < size;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)Math.Min(buffer.Length, size - written);
            random.NextBytes(buffer.AsSpan(0, n));
            file.Write(buffer, 0, n);
            written += n;
        }
    }
}
