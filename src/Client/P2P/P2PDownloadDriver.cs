using System.Globalization;
using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// Runs a download and follows it: at a peer (the peer grain downloads into its share; this polls its progress and, if
/// the peer's silo goes down, waits for it and starts the download again, which resumes from the verified chunks), or
/// here on the client machine (<c>--to DIR</c>, the same engine in this process).
/// </summary>
internal static class P2PDownloadDriver
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static async Task<P2PDownloadStatus> AtPeerAsync(
        P2PEnvironment environment, string peerName, P2PDownloadRequest request, P2PProgressPrinter? printer, TextWriter log, TimeSpan wait, CancellationToken cancellationToken)
    {
        var peer = await environment.FindPeerAsync(peerName);
        var grain = environment.Peer(peer);
        P2PDownloadStatus status;
        DateTime? downSince = null;
        var started = false;
        while (true)
        {
            try
            {
                // after a failed poll the download is asked for, not started again: the poll may have failed on the way
                // (a dead gateway) while the peer went on, and a new start of a finished download is a new, empty attempt
                status = !started ? await grain.StartDownload(request) : await grain.GetDownload(request.Path)
                    // null: the peer came back (its silo restarted) without this download; start it again, it resumes
                    ?? await grain.StartDownload(request with { Restart = false });
                started = true;
                if (downSince is not null)
                {
                    await log.WriteLineAsync($"peer {peerName} answers again after {(DateTime.UtcNow - downSince.Value).TotalSeconds:0.0} s; attempt {status.Attempt}, {status.ResumedChunks} verified chunks kept");
                    downSince = null;
                }
            }
            catch (PeerRequestRefusedException ex)
            {
                throw new CommandFailedException($"peer {peerName} refused: {ex.Message}");
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                if (downSince is null)
                {
                    downSince = DateTime.UtcNow;
                    await log.WriteLineAsync($"peer {peerName} does not answer ({ex.GetType().Name}: {FirstLine(ex.Message)}); waiting up to {wait.TotalSeconds:0} s for it to come back");
                }
                else if (DateTime.UtcNow - downSince > wait)
                {
                    throw new CommandFailedException($"peer {peerName} has not answered for {wait.TotalSeconds:0} s; its verified chunks are kept, run the same command again to resume");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                continue;
            }

            printer?.Report(status, final: status.State != P2PDownloadState.Running);
            if (status.State != P2PDownloadState.Running)
            {
                return status;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    public static async Task<P2PDownloadStatus> ToDirectoryAsync(
        P2PEnvironment environment, string directory, P2PDownloadRequest request, P2PProgressPrinter? printer, CancellationToken cancellationToken)
    {
        var path = SharePath.Normalize(request.Path);
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var target = SharePath.NewFile(root, path);
        var peers = (await environment.Tracker.GetPeers()).Peers;
        var candidates = request.Sources.Count == 0 ? peers : [.. peers.Where(p => request.Sources.Contains(p.Name))];
        var missing = request.Sources.Where(s => peers.All(p => p.Name != s)).ToList();
        if (missing.Count > 0)
        {
            throw new CommandFailedException($"not live: {string.Join(", ", missing)}");
        }

        var (manifest, holders, notes) = await DownloadSources.FindAsync(environment.Client, candidates, path, request.ChunkSize, cancellationToken);
        if (manifest is null)
        {
            throw new CommandFailedException($"no live peer holds '{path}'{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}");
        }

        var engine = new ChunkDownload(
            new ChunkDownloadPlan
            {
                Downloader = "client",
                Manifest = manifest,
                Sources = [.. holders.Select(h => new PeerGrainChunkSource(environment.Client, h))],
                TargetPath = target,
                StateDirectory = Path.Combine(root, SharePath.MetadataFolder, "downloads"),
                Parallel = request.Parallel,
                Restart = request.Restart,
            },
            TimeProvider.System,
            NullLogger.Instance);
        var run = engine.RunAsync(cancellationToken);
        while (!run.IsCompleted)
        {
            printer?.Report(engine.Snapshot());
            await Task.WhenAny(run, Task.Delay(Poll, cancellationToken));
        }

        var status = await run;
        printer?.Report(status, final: true);
        return status;
    }

    public static void WriteSummary(P2PDownloadStatus status, string where, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(" source          | chunks | MiB      | failures | bad hashes | dropped");
        output.WriteLine("-----------------|--------|----------|----------|------------|--------");
        foreach (var s in status.Sources)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {s.Peer,-15} | {s.Chunks,6} | {s.Bytes / (double)(1 << 20),8:0.0} | {s.Failures,8} | {s.HashMismatches,10} | {s.DroppedBecause ?? "-"}"));
        }

        output.WriteLine();
        var rate = status.ElapsedSeconds > 0 ? status.FetchedBytes / status.ElapsedSeconds : 0;
        output.WriteLine(status.State == P2PDownloadState.Completed
            ? string.Create(CultureInfo.InvariantCulture,
                $"Done: {status.Path} ({ByteSize.Format(status.Size)}) at {where}, SHA-256 {status.Sha256} verified; {status.ElapsedSeconds:0.00} s, {ByteSize.FormatRate(rate)}; fetched {status.FetchedBytes} bytes in this attempt, {status.ResumedChunks} of {status.ChunkCount} chunks kept from an earlier one")
            : $"FAILED: {status.Path} at {where}: {status.Error}");
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
