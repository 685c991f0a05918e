using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>A request body read into a pooled buffer; dispose to return the buffer.</summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialCapacity = 16 * 1024;

    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>
    /// Reads the whole body, decompressing it when <paramref name="encoding"/> says so. Never holds more than
    /// <paramref name="limit"/> + 1 bytes of either the body as sent or the body after decompression.
    /// </summary>
    /// <exception cref="RequestTooLargeException">The body, as sent or decompressed, is larger than the limit.</exception>
    /// <exception cref="InvalidDataException">The body is not complete, valid gzip/zlib data.</exception>
    public static async Task<RequestBody> ReadAsync(Stream body, long? contentLength, ContentEncoding encoding, long limit, CancellationToken cancellationToken)
    {
        var initial = contentLength is > 0 ? (int)Math.Min(contentLength.Value + 1, limit + 1) : InitialCapacity;
        var (raw, rawLength) = await ReadBoundedAsync(body, initial, limit, decompressed: false, cancellationToken).ConfigureAwait(false);
        if (encoding == ContentEncoding.Identity)
        {
            return new RequestBody(raw, rawLength);
        }

        // The compressed bytes are read completely first (they are bounded too), because .NET's inflater treats a
        // truncated stream as a normal end: only the format's own trailer, checked below, tells that data is missing.
        try
        {
            using var compressed = new MemoryStream(raw, 0, rawLength, writable: false);
            await using var inflater = encoding == ContentEncoding.Gzip
                ? new GZipStream(compressed, CompressionMode.Decompress)
                : (Stream)new ZLibStream(compressed, CompressionMode.Decompress);
            var (plain, plainLength) = await ReadBoundedAsync(inflater, InitialCapacity, limit, decompressed: true, cancellationToken).ConfigureAwait(false);
            if (!TrailerMatches(encoding, raw.AsSpan(0, rawLength), plain.AsSpan(0, plainLength)))
            {
                ArrayPool<byte>.Shared.Return(plain);
                throw new InvalidDataException("the compressed body is truncated or corrupt");
            }

            return new RequestBody(plain, plainLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// gzip ends with the uncompressed size mod 2^32 (RFC 1952), zlib with the Adler-32 of the data (RFC 1950). The
    /// inflater verifies them when it reaches them; a body cut short never gets there, so they are compared here.
    /// A gzip body of several concatenated members is refused (its last size field covers only the last member);
    /// OTLP exporters send one.
    /// </summary>
    private static bool TrailerMatches(ContentEncoding encoding, ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> plain)
    {
        if (encoding == ContentEncoding.Gzip)
        {
            return compressed.Length >= 18 && BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]) == unchecked((uint)plain.Length);
        }

        return compressed.Length >= 6 && BinaryPrimitives.ReadUInt32BigEndian(compressed[^4..]) == Adler32(plain);
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            // 5552 bytes is the most that can be summed before b could overflow 32 bits (zlib's NMAX).
            var chunk = data[..Math.Min(data.Length, 5552)];
            foreach (var value in chunk)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[chunk.Length..];
        }

        return (b << 16) | a;
    }

    private static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream source, int initialCapacity, long limit, bool decompressed, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Never ask for more than one byte past the limit: that byte is how an over-long body is noticed.
                var read = await source.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length - length, limit + 1 - length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw new RequestTooLargeException(limit, decompressed);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
