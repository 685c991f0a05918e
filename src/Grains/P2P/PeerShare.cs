using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// One peer's shared folder on this machine: the files it shares (a manifest each, under <c>.p2p/manifests</c>), the
/// chunks it serves (only of shared, regular files whose real path is inside the share; at most
/// <see cref="P2PLimits.MaxChunkSize"/> bytes; at most <see cref="P2PLimits.MaxConcurrentUploads"/> at once; paced by
/// its upload limit) and the state of downloads into it (<c>.p2p/downloads</c>). Every refusal is logged.
/// </summary>
public sealed class PeerShare
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _uploads = new(P2PLimits.MaxConcurrentUploads);
    private readonly Dictionary<(string Path, int ChunkSize), FileManifest> _otherChunkings = [];
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PeerDownload> _downloads = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _attempts;

    public PeerShare(string name, string root, long uploadBytesPerSecond, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Root = Path.GetFullPath(root);
        _time = time;
        _logger = logger;
        Throttle = new UploadThrottle(time, uploadBytesPerSecond);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(ManifestDirectory);
        Directory.CreateDirectory(DownloadStateDirectory);
    }

    public string Name { get; }

    public string Root { get; }

    public UploadThrottle Throttle { get; }

    /// <summary>
    /// Cancelled when the silo stops. Downloads belong to the share, not to a peer grain's activation: Orleans may
    /// deactivate an activation (e.g. when the silo holding its directory entry dies) and a new one carries on with
    /// the same running download.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    /// <summary>The running or last download of <paramref name="normalizedPath"/> since the silo started.</summary>
    public PeerDownload? Download(string normalizedPath) => _downloads.GetValueOrDefault(normalizedPath);

    public int NextAttempt() => Interlocked.Increment(ref _attempts);

    public void Track(string normalizedPath, PeerDownload download) => _downloads[normalizedPath] = download;

    /// <summary>Forgets a finished download; false while it runs.</summary>
    public bool Forget(string normalizedPath)
    {
        if (_downloads.TryGetValue(normalizedPath, out var download) && download.IsRunning)
        {
            return false;
        }

        _downloads.TryRemove(normalizedPath, out _);
        return true;
    }

    public string ManifestDirectory => Path.Combine(Root, SharePath.MetadataFolder, "manifests");

    public string DownloadStateDirectory => Path.Combine(Root, SharePath.MetadataFolder, "downloads");

    /// <summary>Hashes a file of the share and records it as shared.</summary>
    public FileManifest Add(string path, int chunkSize, CancellationToken cancellationToken = default)
    {
        CheckChunkSize(chunkSize, "add");
        var normalized = Checked("add", () => SharePath.Normalize(path));
        var real = Checked("add", () => SharePath.ExistingFile(Root, normalized));
        var manifest = new FileInfo(real).Length == 0
            // never opened: FIFOs and devices report size 0 and could block a read (see ReadChunkAsync)
            ? new FileManifest { Path = normalized, Size = 0, Sha256 = FileHashing.Hex(SHA256.HashData([])), ChunkSize = chunkSize, ChunkHashes = [] }
            : FileHashing.Manifest(real, normalized, chunkSize, cancellationToken);
        Record(manifest);
        return manifest;
    }

    /// <summary>Records a verified file (added or downloaded) as shared.</summary>
    public void Record(FileManifest manifest)
    {
        var file = ManifestFile(manifest.Path);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, Json));
        File.Move(temporary, file, overwrite: true);
        lock (_lock)
        {
            foreach (var key in _otherChunkings.Keys.Where(k => k.Path == manifest.Path).ToList())
            {
                _otherChunkings.Remove(key);
            }
        }

        P2PLog.Shared(_logger, Name, manifest.Path, manifest.Size, manifest.Sha256);
    }

    /// <summary>Stops sharing a file and deletes it; false when it was not shared.</summary>
    public bool Remove(string path)
    {
        var normalized = Checked("remove", () => SharePath.Normalize(path));
        var manifest = ManifestFile(normalized);
        if (!File.Exists(manifest))
        {
            return false;
        }

        File.Delete(manifest);
        var full = SharePath.Combine(Root, normalized);
        // the name only: a symlink is removed, never what it points to
        if (File.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            File.Delete(full);
        }

        lock (_lock)
        {
            foreach (var key in _otherChunkings.Keys.Where(k => k.Path == normalized).ToList())
            {
                _otherChunkings.Remove(key);
            }
        }

        return true;
    }

    /// <summary>The shared files whose file is still there with its recorded size.</summary>
    public IReadOnlyList<SharedFileInfo> List()
    {
        var files = new List<SharedFileInfo>();
        foreach (var file in Directory.EnumerateFiles(ManifestDirectory, "*.json"))
        {
            if (ReadManifest(file) is not { } manifest)
            {
                continue;
            }

            var full = Path.Combine(Root, manifest.Path);
            if (File.Exists(full) && new FileInfo(full).Length == manifest.Size)
            {
                files.Add(new SharedFileInfo { Path = manifest.Path, Size = manifest.Size, Sha256 = manifest.Sha256, Peer = Name, ChunkSize = manifest.ChunkSize });
            }
        }

        return [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The recorded manifest of a shared file, for <paramref name="chunkSize"/>: for another chunk size than the recorded
    /// one, the file is hashed again in those chunks, and only if its whole hash is still the recorded one.
    /// </summary>
    public FileManifest? Manifest(string path, int chunkSize, CancellationToken cancellationToken = default)
    {
        CheckChunkSize(chunkSize, "manifest");
        var normalized = Checked("manifest", () => SharePath.Normalize(path));
        if (ReadManifest(ManifestFile(normalized)) is not { } recorded)
        {
            return null;
        }

        if (recorded.ChunkSize == chunkSize || recorded.Size == 0)
        {
            return recorded with { ChunkSize = chunkSize };
        }

        lock (_lock)
        {
            if (_otherChunkings.TryGetValue((normalized, chunkSize), out var cached))
            {
                return cached;
            }
        }

        var real = Checked("manifest", () => SharePath.ExistingFile(Root, normalized));
        var fresh = FileHashing.Manifest(real, normalized, chunkSize, cancellationToken);
        if (fresh.Sha256 != recorded.Sha256)
        {
            throw Refuse("manifest", $"'{normalized}' changed since it was shared (SHA-256 {fresh.Sha256[..12]}… instead of {recorded.Sha256[..12]}…)");
        }

        lock (_lock)
        {
            _otherChunkings[(normalized, chunkSize)] = fresh;
        }

        return fresh;
    }

    /// <summary>Bytes of a shared file, after the upload limit's wait; refused when outside the rules above.</summary>
    public async Task<byte[]> ReadChunkAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        if (length < 1 || length > P2PLimits.MaxChunkSize)
        {
            throw Refuse("read", $"chunk of {length} bytes asked for; chunks are 1 to {P2PLimits.MaxChunkSize} bytes");
        }

        if (offset < 0)
        {
            throw Refuse("read", $"negative offset {offset}");
        }

        var normalized = Checked("read", () => SharePath.Normalize(path));
        if (!File.Exists(ManifestFile(normalized)))
        {
            throw Refuse("read", $"'{normalized}' is not shared by {Name}");
        }

        var real = Checked("read", () => SharePath.ExistingFile(Root, normalized));
        // Special files (FIFOs, devices, /proc) report size 0 and are never opened, so no read can block on one or
        // stream a device: a chunk exists only below a regular file's size.
        var size = new FileInfo(real).Length;
        if (offset >= size)
        {
            throw Refuse("read", $"offset {offset} is past the end of '{normalized}' ({size} bytes)");
        }

        var count = (int)Math.Min(length, size - offset);
        await _uploads.WaitAsync(cancellationToken);
        try
        {
            var buffer = new byte[count];
            using (var handle = File.OpenHandle(real, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                var read = 0;
                while (read < count)
                {
                    var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read, cancellationToken);
                    if (n == 0)
                    {
                        throw Refuse("read", $"'{normalized}' shrank while being read");
                    }

                    read += n;
                }
            }

            var wait = Throttle.Reserve(count);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken);
            }

            return buffer;
        }
        finally
        {
            _uploads.Release();
        }
    }

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes (the same for the same seed) to a new file and shares it.</summary>
    public FileManifest Generate(string path, long size, int seed, int chunkSize, CancellationToken cancellationToken = default)
    {
        CheckChunkSize(chunkSize, "generate");
        if (size < 0 || size > 64L << 30)
        {
            throw Refuse("generate", $"size {size} is not between 0 and 64 GiB");
        }

        var normalized = Checked("generate", () => SharePath.Normalize(path));
        var target = Checked("generate", () => SharePath.NewFile(Root, normalized));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + ".generating";
        PseudoRandomFile.Write(temporary, size, seed, cancellationToken);
        File.Move(temporary, target, overwrite: true);
        return Add(normalized, chunkSize, cancellationToken);
    }

    private string ManifestFile(string normalizedPath) =>
        Path.Combine(ManifestDirectory, FileHashing.Hex(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedPath))) + ".json");

    private static FileManifest? ReadManifest(string file)
    {
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<FileManifest>(File.ReadAllText(file), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void CheckChunkSize(int chunkSize, string operation)
    {
        if (chunkSize < P2PLimits.MinChunkSize || chunkSize > P2PLimits.MaxChunkSize)
        {
            throw Refuse(operation, $"chunk size {chunkSize} is not between {P2PLimits.MinChunkSize} and {P2PLimits.MaxChunkSize} bytes");
        }
    }

    private T Checked<T>(string operation, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (PeerRequestRefusedException ex)
        {
            P2PLog.Refused(_logger, Name, operation, ex.Message);
            throw;
        }
    }

    private PeerRequestRefusedException Refuse(string operation, string reason)
    {
        P2PLog.Refused(_logger, Name, operation, reason);
        return new PeerRequestRefusedException(reason);
    }
}
