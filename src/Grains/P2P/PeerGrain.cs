using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// A peer, bound to the machine that holds its shared folder: key <c>"&lt;silo&gt;/&lt;peer&gt;"</c>
/// (<see cref="MachineBoundKey"/>), activated only on that silo, where <see cref="PeerShareRegistry"/> (filled from
/// the silo's <c>--peer NAME --share DIR</c>) gives it its share. Reentrant: chunk reads overlap (capped by the share),
/// and progress queries are answered while downloads run. Downloads run beside the grain's turns, off its scheduler
/// (hashing and file writes would otherwise block its other calls), and belong to the share, not to the activation:
/// Orleans deactivates an activation whose directory entry was on a silo that died, and the next activation of the peer
/// finds its download still running.
/// </summary>
[MachineBoundPlacement]
[Reentrant]
public sealed class PeerGrain(IServiceProvider services, ILocalSiloDetails silo, TimeProvider time, ILoggerFactory loggers) : Grain, IPeerGrain
{
    private readonly CancellationTokenSource _stopping = new();
    private PeerList? _peers;
    private string _peerName = "";
    private PeerShare? _share;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (machine, peer) = MachineBoundKey.Parse(this.GetPrimaryKeyString());
        _peerName = peer;
        // the placement put us on the silo named in the key; a silo that does not host this peer has no share to give
        _share = string.Equals(machine, silo.Name, StringComparison.Ordinal) ? services.GetService<PeerShareRegistry>()?.Find(peer) : null;
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private PeerShare Share => _share ?? throw new PeerRequestRefusedException($"peer '{_peerName}' is not hosted on silo {silo.Name} (start the silo with --peer {_peerName} --share DIR)");

    public Task<SharedFileInfo> Add(string path, int chunkSize)
    {
        var share = Share;
        return Task.Run(() => Describe(share.Add(path, chunkSize, _stopping.Token)));
    }

    public Task<bool> Remove(string path)
    {
        var normalized = SharePath.Normalize(path);
        if (!Share.Forget(normalized))
        {
            throw new PeerRequestRefusedException($"'{normalized}' is being downloaded");
        }

        return Task.FromResult(Share.Remove(normalized));
    }

    public Task<IReadOnlyList<SharedFileInfo>> ListFiles() => Task.FromResult(Share.List());

    public Task<FileManifest?> GetManifest(string path, int chunkSize)
    {
        var share = Share;
        return Task.Run(() => share.Manifest(path, chunkSize, _stopping.Token));
    }

    public Task<byte[]> ReadChunk(string path, long offset, int length) => Share.ReadChunkAsync(path, offset, length, _stopping.Token);

    public Task SetUploadRate(long bytesPerSecond)
    {
        if (bytesPerSecond < 0)
        {
            throw new PeerRequestRefusedException($"upload rate {bytesPerSecond} is negative");
        }

        Share.Throttle.SetRate(bytesPerSecond);
        return Task.CompletedTask;
    }

    public Task<SharedFileInfo> GenerateFile(string path, long size, int seed, int chunkSize)
    {
        var share = Share;
        return Task.Run(() => Describe(share.Generate(path, size, seed, chunkSize, _stopping.Token)));
    }

    public Task PeersChanged(PeerList peers)
    {
        if (_peers is null || peers.Version >= _peers.Version)
        {
            _peers = peers;
        }

        return Task.CompletedTask;
    }

    public Task<P2PDownloadStatus?> GetDownload(string path)
    {
        var normalized = SharePath.Normalize(path);
        return Task.FromResult(Share.Download(normalized)?.Status());
    }

    public async Task<P2PDownloadStatus> StartDownload(P2PDownloadRequest request)
    {
        var share = Share;
        var path = SharePath.Normalize(request.Path);
        if (request.ChunkSize < P2PLimits.MinChunkSize || request.ChunkSize > P2PLimits.MaxChunkSize)
        {
            throw new PeerRequestRefusedException($"chunk size {request.ChunkSize} is not between {P2PLimits.MinChunkSize} and {P2PLimits.MaxChunkSize} bytes");
        }

        if (request.Parallel is < 1 or > P2PLimits.MaxParallel)
        {
            throw new PeerRequestRefusedException($"parallel {request.Parallel} is not between 1 and {P2PLimits.MaxParallel}");
        }

        if (share.Download(path) is { IsRunning: true } existing)
        {
            return existing.Status();
        }

        if (share.List().FirstOrDefault(f => f.Path == path) is { } held)
        {
            return new P2PDownloadStatus
            {
                Path = path, Peer = _peerName, State = P2PDownloadState.Completed, Size = held.Size, Sha256 = held.Sha256,
                Error = null, Attempt = share.Download(path)?.Status().Attempt ?? 0,
            };
        }

        var peers = _peers ?? await GrainFactory.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey).GetPeers();
        var candidates = peers.Peers.Where(p => p.Name != _peerName).ToList();
        if (request.Sources.Count > 0)
        {
            var missing = request.Sources.Where(s => candidates.All(c => c.Name != s)).ToList();
            if (missing.Count > 0)
            {
                throw new PeerRequestRefusedException($"not live (or this peer itself): {string.Join(", ", missing)}; live: {string.Join(", ", peers.Peers.Select(p => p.Name))}");
            }

            candidates = [.. candidates.Where(c => request.Sources.Contains(c.Name))];
        }

        var (manifest, holders, notes) = await DownloadSources.FindAsync(GrainFactory, candidates, path, request.ChunkSize, _stopping.Token);
        if (manifest is null)
        {
            throw new PeerRequestRefusedException($"no live peer holds '{path}' (asked {(candidates.Count == 0 ? "nobody" : string.Join(", ", candidates.Select(c => c.Name)))}){(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}");
        }

        if (share.Download(path) is { IsRunning: true } started)
        {
            // another call started it while this one asked for manifests
            return started.Status();
        }

        var target = SharePath.NewFile(share.Root, path);
        if (File.Exists(target))
        {
            throw new PeerRequestRefusedException($"'{path}' exists in {_peerName}'s share but is not shared; move it away or share it with 'p2p add'");
        }

        var engine = new ChunkDownload(
            new ChunkDownloadPlan
            {
                Downloader = _peerName,
                Manifest = manifest,
                Sources = [.. holders.Select(h => new PeerGrainChunkSource(GrainFactory, h))],
                TargetPath = target,
                StateDirectory = share.DownloadStateDirectory,
                Parallel = request.Parallel,
                Restart = request.Restart,
                Attempt = share.NextAttempt(),
            },
            time,
            loggers.CreateLogger<ChunkDownload>());
        var token = share.Stopping;
        var run = Task.Run(async () =>
        {
            var status = await engine.RunAsync(token);
            if (status.State == P2PDownloadState.Completed)
            {
                // verified: this peer serves it from now on
                share.Record(manifest);
            }

            return status;
        });
        share.Track(path, new PeerDownload(engine, run));
        return engine.Snapshot();
    }

    private SharedFileInfo Describe(FileManifest manifest) =>
        new() { Path = manifest.Path, Size = manifest.Size, Sha256 = manifest.Sha256, Peer = _peerName, ChunkSize = manifest.ChunkSize };
}
