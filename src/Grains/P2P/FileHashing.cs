using System.Security.Cryptography;
using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>SHA-256 of a whole file and of each of its chunks, in one pass.</summary>
public static class FileHashing
{
    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    public static string ChunkHash(ReadOnlySpan<byte> bytes) => Hex(SHA256.HashData(bytes));

    /// <summary>The manifest of the file at <paramref name="fullPath"/>, named <paramref name="path"/> in it.</summary>
    public static FileManifest Manifest(string fullPath, string path, int chunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[chunkSize];
        var chunks = new List<string>();
        long size = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = file.ReadAtLeast(buffer, chunkSize, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            whole.AppendData(buffer, 0, read);
            chunks.Add(ChunkHash(buffer.AsSpan(0, read)));
            size += read;
            if (read < chunkSize)
            {
                break;
            }
        }

        return new FileManifest { Path = path, Size = size, Sha256 = Hex(whole.GetHashAndReset()), ChunkSize = chunkSize, ChunkHashes = chunks };
    }

    /// <summary>SHA-256 of a whole file.</summary>
    public static async Task<string> FileSha256Async(string fullPath, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, useAsync: true);
        return Hex(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
