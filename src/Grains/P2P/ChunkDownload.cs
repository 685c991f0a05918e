using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// Downloads one file in chunks from several sources at once. Each chunk is checked against its SHA-256 before it is
/// written into <c>&lt;file&gt;.part</c>, and only then marked in the chunk bitmap kept beside the download's manifest
/// in the state folder (rewritten after every verified chunk), so an interrupted download resumes from its verified
/// chunks (they are hashed again on resume). A source that fails or sends a chunk that does not match is dropped for
/// this file and its chunks are fetched from the others (<see cref="ChunkScheduler"/>). At the end the whole file's
/// SHA-256 is checked before <c>.part</c> is renamed to the file. A process crash loses nothing verified: the bitmap
/// is written after the chunk's bytes (both reach the OS before the bitmap names the chunk; a power cut is not covered).
/// </summary>
public sealed class ChunkDownload(ChunkDownloadPlan plan, TimeProvider time, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SourceCounters> _counters = plan.Sources.ToDictionary(s => s.Peer, s => new SourceCounters());
    private readonly long _started = time.GetTimestamp();
    private P2PDownloadState _state = P2PDownloadState.Running;
    private int _verified;
    private long _verifiedBytes;
    private int _resumed;
    private long _fetched;
    private string? _error;
    private double? _finishedSeconds;
    private ChunkScheduler? _scheduler;

    private FileManifest Manifest => plan.Manifest;

    public string PartPath => plan.TargetPath + ".part";

    private string StateKey => FileHashing.Hex(SHA256.HashData(Encoding.UTF8.GetBytes(plan.TargetPath)));

    private string StateManifestPath => Path.Combine(plan.StateDirectory, StateKey + ".manifest.json");

    private string StateMapPath => Path.Combine(plan.StateDirectory, StateKey + ".chunks");

    public P2PDownloadStatus Snapshot()
    {
        lock (_lock)
        {
            return new P2PDownloadStatus
            {
                Path = Manifest.Path,
                Peer = plan.Downloader,
                State = _state,
                Size = Manifest.Size,
                Sha256 = Manifest.Sha256,
                ChunkCount = Manifest.ChunkCount,
                VerifiedChunks = _verified,
                VerifiedBytes = _verifiedBytes,
                ResumedChunks = _resumed,
                FetchedBytes = _fetched,
                ElapsedSeconds = _finishedSeconds ?? time.GetElapsedTime(_started).TotalSeconds,
                Error = _error,
                Attempt = plan.Attempt,
                Sources = [.. _counters.Select(c => new SourceProgress
                {
                    Peer = c.Key,
                    Chunks = c.Value.Chunks,
                    Bytes = c.Value.Bytes,
                    Failures = c.Value.Failures,
                    HashMismatches = c.Value.Mismatches,
                    DroppedBecause = c.Value.Dropped,
                    BytesPerSecond = c.Value.Rate,
                })],
            };
        }
    }

    /// <summary>Runs the download to the end (completed or failed); the returned status says which.</summary>
    public async Task<P2PDownloadStatus> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = P2PTelemetry.Source.StartActivity("p2p download");
        activity?.SetTag("p2p.path", Manifest.Path);
        activity?.SetTag("p2p.downloader", plan.Downloader);
        activity?.SetTag("p2p.size", Manifest.Size);
        activity?.SetTag("p2p.chunk_size", Manifest.ChunkSize);
        activity?.SetTag("p2p.chunks", Manifest.ChunkCount);
        activity?.SetTag("p2p.sources", string.Join(',', plan.Sources.Select(s => s.Peer)));
        try
        {
            await RunCoreAsync(activity, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException or PeerRequestRefusedException)
        {
            Fail(ex is OperationCanceledException ? "cancelled (verified chunks are kept for a resume)" : ex.Message);
        }

        var status = Snapshot();
        activity?.SetTag("p2p.state", status.State.ToString());
        activity?.SetTag("p2p.resumed_chunks", status.ResumedChunks);
        activity?.SetTag("p2p.fetched_bytes", status.FetchedBytes);
        if (status.State == P2PDownloadState.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, status.Error);
        }

        return status;
    }

    private async Task RunCoreAsync(Activity? activity, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(plan.StateDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(plan.TargetPath)!);
        if (File.Exists(plan.TargetPath))
        {
            throw new IOException($"{plan.TargetPath} exists already; not overwriting it");
        }

        using var part = new FileStream(PartPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        var map = await LoadOrStartAsync(part, cancellationToken);
        lock (_lock)
        {
            _resumed = map.Count;
            _verified = map.Count;
            _verifiedBytes = map.Present().Sum(i => (long)Manifest.ChunkLength(i));
        }

        P2PLog.DownloadStarted(logger, Manifest.Path, plan.TargetPath, Manifest.ChunkCount, map.Count, string.Join(", ", plan.Sources.Select(s => s.Peer)));
        if (plan.Sources.Count == 0 && !map.IsComplete)
        {
            throw new IOException("no live peer holds this file");
        }

        var sources = plan.Sources.ToDictionary(s => s.Peer);
        var perSource = Math.Min(plan.Parallel, P2PLimits.MaxConcurrentUploads);
        var scheduler = new ChunkScheduler(map.Missing(), [.. sources.Keys], plan.Parallel, perSource, Manifest.ChunkSize);
        lock (_lock)
        {
            _scheduler = scheduler;
        }

        // the whole file's SHA-256 is computed from the .part file as its verified prefix grows, while chunks are still
        // arriving, so the final check costs only the tail
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashed = 0;
        var readBack = new byte[Manifest.ChunkSize];
        void HashPrefix()
        {
            for (; hashed < Manifest.ChunkCount && map.Has(hashed); hashed++)
            {
                var length = Manifest.ChunkLength(hashed);
                var read = RandomAccess.Read(part.SafeFileHandle, readBack.AsSpan(0, length), Manifest.ChunkOffset(hashed));
                whole.AppendData(readBack, 0, read);
            }
        }

        HashPrefix();
        var running = new Dictionary<Task<ChunkOutcome>, ChunkAssignment>();
        while (!scheduler.Done)
        {
            while (scheduler.TryNext(Now, out var assignment))
            {
                running[FetchAsync(part.SafeFileHandle, sources[assignment.Source], assignment, cancellationToken)] = assignment;
            }

            if (running.Count == 0)
            {
                var why = string.Join("; ", sources.Keys.Select(s => $"{s}: {scheduler.DroppedBecause(s)}"));
                throw new IOException($"no source left with {scheduler.Remaining} chunks to go ({why}); the {map.Count} verified chunks are kept for a resume");
            }

            var done = await Task.WhenAny(running.Keys);
            var current = running[done];
            running.Remove(done);
            var outcome = await done;
            if (outcome.Error is null)
            {
                scheduler.Completed(current, outcome.Bytes, Now);
                map.Mark(current.Chunk);
                SaveMap(map);
                HashPrefix();
                lock (_lock)
                {
                    _verified = map.Count;
                    _verifiedBytes += outcome.Bytes;
                    var c = _counters[current.Source];
                    c.Chunks++;
                    c.Bytes += outcome.Bytes;
                    c.Rate = scheduler.Rate(current.Source);
                }

                continue;
            }

            P2PLog.ChunkFailed(logger, Manifest.Path, current.Chunk, current.Source, outcome.Error);
            var wasLive = scheduler.DroppedBecause(current.Source) is null;
            scheduler.Failed(current, outcome.Error, outcome.DropSource, Now);
            lock (_lock)
            {
                var c = _counters[current.Source];
                c.Failures += outcome.Mismatch ? 0 : 1;
                c.Mismatches += outcome.Mismatch ? 1 : 0;
                c.Dropped = scheduler.DroppedBecause(current.Source);
            }

            if (wasLive && scheduler.DroppedBecause(current.Source) is { } reason)
            {
                P2PLog.SourceDropped(logger, Manifest.Path, current.Source, reason);
                activity?.AddEvent(new ActivityEvent("source dropped", tags: new ActivityTagsCollection { ["p2p.source"] = current.Source, ["p2p.reason"] = reason }));
            }
        }

        await part.FlushAsync(cancellationToken);
        HashPrefix();
        var sha = FileHashing.Hex(whole.GetHashAndReset());
        if (hashed != Manifest.ChunkCount || sha != Manifest.Sha256)
        {
            // every chunk matched but the whole does not: the manifest's chunk hashes and whole hash disagree
            DeleteState();
            throw new IOException($"the assembled file's SHA-256 {sha} is not the expected {Manifest.Sha256}; discarded");
        }

        await part.DisposeAsync();
        File.Move(PartPath, plan.TargetPath, overwrite: false);
        DeleteState();
        lock (_lock)
        {
            _state = P2PDownloadState.Completed;
            _finishedSeconds = time.GetElapsedTime(_started).TotalSeconds;
        }

        P2PLog.DownloadCompleted(logger, Manifest.Path, Manifest.Size, Manifest.Sha256, _finishedSeconds ?? 0);
    }

    private async Task<ChunkOutcome> FetchAsync(Microsoft.Win32.SafeHandles.SafeFileHandle part, IChunkSource source, ChunkAssignment assignment, CancellationToken cancellationToken)
    {
        var offset = Manifest.ChunkOffset(assignment.Chunk);
        var length = Manifest.ChunkLength(assignment.Chunk);
        using var span = P2PTelemetry.Source.StartActivity("p2p chunk");
        span?.SetTag("p2p.source", source.Peer);
        span?.SetTag("p2p.chunk", assignment.Chunk);
        span?.SetTag("p2p.offset", offset);
        span?.SetTag("p2p.size", length);
        span?.SetTag("p2p.retries", assignment.Retry);
        byte[] bytes;
        try
        {
            bytes = await source.ReadChunkAsync(Manifest.Path, offset, length, cancellationToken).WaitAsync(plan.ChunkTimeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            // a refusal or an unreachable silo will not get better by asking again; a timeout might
            var drop = ex is PeerRequestRefusedException || (ex is OrleansException && ex is not TimeoutException);
            return new ChunkOutcome(0, $"{ex.GetType().Name}: {ex.Message}", drop, Mismatch: false);
        }

        lock (_lock)
        {
            _fetched += bytes.Length;
        }

        if (bytes.Length != length || FileHashing.ChunkHash(bytes) != Manifest.ChunkHashes[assignment.Chunk])
        {
            // never written: a corrupt chunk does not touch the file
            var why = bytes.Length != length ? $"sent {bytes.Length} bytes for chunk {assignment.Chunk} of {length}" : $"sent chunk {assignment.Chunk} with a wrong SHA-256";
            span?.SetStatus(ActivityStatusCode.Error, why);
            span?.SetTag("p2p.hash_mismatch", true);
            return new ChunkOutcome(bytes.Length, why, DropSource: true, Mismatch: true);
        }

        await RandomAccess.WriteAsync(part, bytes, offset, cancellationToken);
        return new ChunkOutcome(bytes.Length, null, DropSource: false, Mismatch: false);
    }

    private async Task<ChunkMap> LoadOrStartAsync(FileStream part, CancellationToken cancellationToken)
    {
        if (!plan.Restart && File.Exists(StateManifestPath) && File.Exists(StateMapPath) && part.Length == Manifest.Size)
        {
            FileManifest? kept = null;
            try
            {
                kept = JsonSerializer.Deserialize<FileManifest>(await File.ReadAllTextAsync(StateManifestPath, cancellationToken));
            }
            catch (JsonException)
            {
            }

            if (kept is not null && kept.SameContent(Manifest) && ChunkMap.FromBytes(Manifest.ChunkCount, await File.ReadAllBytesAsync(StateMapPath, cancellationToken)) is { } map)
            {
                // trust nothing on disk: every kept chunk is hashed again
                var buffer = new byte[Manifest.ChunkSize];
                foreach (var chunk in map.Present().ToList())
                {
                    var length = Manifest.ChunkLength(chunk);
                    var read = await RandomAccess.ReadAsync(part.SafeFileHandle, buffer.AsMemory(0, length), Manifest.ChunkOffset(chunk), cancellationToken);
                    if (read != length || FileHashing.ChunkHash(buffer.AsSpan(0, length)) != Manifest.ChunkHashes[chunk])
                    {
                        P2PLog.ResumedChunkBad(logger, Manifest.Path, chunk);
                        map.Clear(chunk);
                    }
                }

                return map;
            }
        }

        part.SetLength(0);
        part.SetLength(Manifest.Size);
        await File.WriteAllTextAsync(StateManifestPath, JsonSerializer.Serialize(Manifest), cancellationToken);
        var fresh = new ChunkMap(Manifest.ChunkCount);
        SaveMap(fresh);
        return fresh;
    }

    private void SaveMap(ChunkMap map)
    {
        var temporary = StateMapPath + ".tmp";
        File.WriteAllBytes(temporary, map.ToBytes());
        File.Move(temporary, StateMapPath, overwrite: true);
    }

    private void DeleteState()
    {
        File.Delete(StateMapPath);
        File.Delete(StateManifestPath);
        File.Delete(PartPath);
    }

    private void Fail(string error)
    {
        lock (_lock)
        {
            _state = P2PDownloadState.Failed;
            _error = error;
            _finishedSeconds = time.GetElapsedTime(_started).TotalSeconds;
        }

        P2PLog.DownloadFailed(logger, Manifest.Path, error);
    }

    private double Now => time.GetElapsedTime(_started).TotalSeconds;

    private sealed record ChunkOutcome(long Bytes, string? Error, bool DropSource, bool Mismatch);

    private sealed class SourceCounters
    {
        public int Chunks { get; set; }

        public long Bytes { get; set; }

        public int Failures { get; set; }

        public int Mismatches { get; set; }

        public string? Dropped { get; set; }

        public double Rate { get; set; }
    }
}
