using Orleans.Concurrency;

namespace Dist.GrainInterfaces.P2P;

/// <summary>
/// A peer: a shared folder on one machine. Machine-bound: key <c>"&lt;silo name&gt;/&lt;peer name&gt;"</c>, always active on
/// that silo, down while that silo is (never resurrected elsewhere without its files). Paths are relative to the share.
/// </summary>
[Alias("p2p.IPeerGrain")]
public interface IPeerGrain : IGrainWithStringKey
{
    /// <summary>Shares a file already in the share: records its SHA-256 and the hash of each chunk.</summary>
    [Alias("Add")]
    Task<SharedFileInfo> Add(string path, int chunkSize);

    /// <summary>Stops sharing a file and deletes it from the share (false when it was not shared).</summary>
    [Alias("Remove")]
    Task<bool> Remove(string path);

    [Alias("ListFiles")]
    Task<IReadOnlyList<SharedFileInfo>> ListFiles();

    /// <summary>The recorded hashes of a shared file, for <paramref name="chunkSize"/>; null when not shared here.</summary>
    [Alias("GetManifest")]
    Task<FileManifest?> GetManifest(string path, int chunkSize);

    /// <summary>Bytes of a shared file (at most <see cref="P2PLimits.MaxChunkSize"/>), paced by the upload limit.</summary>
    [Alias("ReadChunk")]
    Task<byte[]> ReadChunk(string path, long offset, int length);

    /// <summary>Starts (or resumes, or reports) downloading <see cref="P2PDownloadRequest.Path"/> into this peer's share.</summary>
    [Alias("StartDownload")]
    Task<P2PDownloadStatus> StartDownload(P2PDownloadRequest request);

    /// <summary>The current or last download of <paramref name="path"/> since this peer was activated; null if none.</summary>
    [Alias("GetDownload")]
    Task<P2PDownloadStatus?> GetDownload(string path);

    /// <summary>The tracker's push of the live-peer list.</summary>
    [OneWay, Alias("PeersChanged")]
    Task PeersChanged(PeerList peers);

    /// <summary>Changes the upload limit (bytes/s, 0 = unlimited) until the silo restarts; experiments use it.</summary>
    [Alias("SetUploadRate")]
    Task SetUploadRate(long bytesPerSecond);

    /// <summary>Writes a file of <paramref name="size"/> pseudo-random bytes (the same for the same seed) into the share
    /// and shares it: experiments put the same file on every source without copying it over the network.</summary>
    [Alias("GenerateFile")]
    Task<SharedFileInfo> GenerateFile(string path, long size, int seed, int chunkSize);
}
