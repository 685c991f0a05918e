using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary><c>p2p add | ls | peers | get</c>: peer-to-peer file sharing on the cluster.</summary>
internal static class P2PCommands
{
    public static Command Build(CommonOptions common)
    {
        return new Command("p2p", "Peer-to-peer file sharing: peers on their machines' silos, a tracker, verified parallel chunk downloads")
        {
            BuildAdd(common),
            BuildList(common),
            BuildPeers(common),
            BuildGet(common),
        };
    }

    private static Command BuildAdd(CommonOptions common)
    {
        var options = new P2POptions();
        var file = new Argument<string>("file") { Description = "The file, relative to the peer's share (with embedded peers also its path under DIR)" };
        var peer = new Option<string>("--peer") { Description = "The peer that shares it", HelpName = "name", Required = true };
        var chunk = P2POptions.ChunkOption();
        var command = new Command("add", "Shares a file of a peer's folder: records its SHA-256 and the SHA-256 of each chunk") { file, peer, chunk };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, shares) = options.Read(parse);
            var name = parse.GetValue(peer)!;
            var path = parse.GetValue(file)!;
            if (shares.FirstOrDefault(s => s.Name == name) is { } local && Path.IsPathRooted(path))
            {
                // an embedded peer's folder is on this machine: accept the file's own path
                var full = Path.GetFullPath(path);
                path = SharePath.IsInside(local.Directory, full) ? Path.GetRelativePath(local.Directory, full) : path;
            }

            await using var environment = await P2PEnvironment.StartAsync(common.Read(parse), useCluster, shares, Console.Error, ct);
            SharedFileInfo info;
            try
            {
                var grain = environment.Peer(await environment.FindPeerAsync(name));
                // a big file takes longer to hash than a call may take: then wait for it to show up in the peer's list
                info = await LongShareCalls.AwaitAsync(grain, path, () => grain.Add(path, (int)P2POptions.Bytes(parse, chunk)), _ => true, ct);
            }
            catch (PeerRequestRefusedException ex)
            {
                throw new CommandFailedException($"peer {name} refused: {ex.Message}");
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{name} shares {info.Path}: {ByteSize.Format(info.Size)} ({info.Size} bytes), SHA-256 {info.Sha256}, {(info.Size + info.ChunkSize - 1) / info.ChunkSize} chunks of {ByteSize.Format(info.ChunkSize)} hashed"));
        }));
        return command;
    }

    private static Command BuildList(CommonOptions common)
    {
        var options = new P2POptions();
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output" };
        var command = new Command("ls", "Every file shared by the live peers: size, SHA-256 and who holds it") { json };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, shares) = options.Read(parse);
            await using var environment = await P2PEnvironment.StartAsync(common.Read(parse), useCluster, shares, Console.Error, ct);
            var peers = (await environment.Tracker.GetPeers()).Peers;
            var lists = await Task.WhenAll(peers.Select(async p =>
            {
                try
                {
                    return await environment.Peer(p).ListFiles();
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    await Console.Error.WriteLineAsync($"warning: {p.Name} did not answer: {ex.Message}");
                    return (IReadOnlyList<SharedFileInfo>)[];
                }
            }));
            var files = lists.SelectMany(l => l)
                .GroupBy(f => (f.Path, f.Sha256, f.Size))
                .OrderBy(g => g.Key.Path, StringComparer.Ordinal)
                .Select(g => new { path = g.Key.Path, size = g.Key.Size, sha256 = g.Key.Sha256, peers = g.Select(f => f.Peer).Order(StringComparer.Ordinal).ToArray() })
                .ToList();
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(files));
                return;
            }

            await Console.Out.WriteLineAsync($"{files.Count} file{(files.Count == 1 ? "" : "s")} on {peers.Count} live peer{(peers.Count == 1 ? "" : "s")} ({string.Join(", ", peers.Select(p => p.Name))})");
            foreach (var f in files)
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {f.path,-32} {ByteSize.Format(f.size),11}  {f.sha256[..16]}…  {string.Join(", ", f.peers)}"));
            }
        }));
        return command;
    }

    private static Command BuildPeers(CommonOptions common)
    {
        var options = new P2POptions();
        var watch = new Option<bool>("--watch") { Description = "Keep printing the list as the tracker pushes changes (Ctrl+C ends)" };
        var duration = new Option<double>("--for") { Description = "With --watch: stop after this many seconds", HelpName = "seconds" };
        var command = new Command("peers", "The tracker's live peers (each heartbeats every second; 3 s of silence drops it)") { watch, duration };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, shares) = options.Read(parse);
            await using var environment = await P2PEnvironment.StartAsync(common.Read(parse), useCluster, shares, Console.Error, ct);
            var list = await environment.Tracker.GetPeers();
            await Console.Out.WriteLineAsync(Describe(list));
            if (!parse.GetValue(watch))
            {
                return;
            }

            var seconds = parse.GetValue(duration);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (seconds > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            await PeerWatcher.WatchAsync(environment.Client, environment.Tracker, list.Version, l => Console.Out.WriteLine(Describe(l)), stop.Token);
        }));
        return command;
    }

    private static Command BuildGet(CommonOptions common)
    {
        var options = new P2POptions();
        var file = new Argument<string>("file") { Description = "The file's path (as the peers share it)" };
        var peer = new Option<string>("--peer") { Description = "The peer that downloads it into its share (and then serves it too)", HelpName = "name" };
        var to = new Option<string>("--to") { Description = "Download to this folder on the client machine instead of into a peer's share", HelpName = "dir" };
        var chunk = P2POptions.ChunkOption();
        var parallel = new Option<int>("--parallel") { Description = "Chunk requests in flight over all sources", DefaultValueFactory = _ => 8, HelpName = "n" };
        parallel.Validators.Add(r => P2POptions.Range(r, "--parallel", 1, P2PLimits.MaxParallel));
        var from = new Option<string>("--from") { Description = "Only these sources, comma-separated (default: every live peer holding the file)", HelpName = "peer,peer" };
        var restart = new Option<bool>("--restart") { Description = "Ignore verified chunks kept from an interrupted attempt" };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the downloading peer if its silo goes down", DefaultValueFactory = _ => 60, HelpName = "seconds" };
        wait.Validators.Add(r => CommonOptions.SecondsBetween(r, "--wait", 0, 86400));
        var command = new Command("get", "Downloads a file from every live peer that holds it, in verified chunks scheduled by the sources' measured speed")
        {
            file, peer, to, chunk, parallel, from, restart, wait,
        };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (useCluster, shares) = options.Read(parse);
            var downloader = parse.GetValue(peer);
            var directory = parse.GetValue(to);
            if ((downloader is null) == (directory is null))
            {
                throw new UsageException("give either --peer NAME (a peer downloads into its share) or --to DIR (download to this machine)");
            }

            var request = new P2PDownloadRequest
            {
                Path = parse.GetValue(file)!,
                ChunkSize = (int)P2POptions.Bytes(parse, chunk),
                Parallel = parse.GetValue(parallel),
                Sources = [.. (parse.GetValue(from) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                Restart = parse.GetValue(restart),
            };
            try
            {
                _ = SharePath.Normalize(request.Path);
            }
            catch (PeerRequestRefusedException ex)
            {
                throw new UsageException(ex.Message);
            }

            await using var environment = await P2PEnvironment.StartAsync(common.Read(parse), useCluster, shares, Console.Error, ct);
            if (downloader is not null)
            {
                _ = await environment.FindPeerAsync(downloader);
            }

            var where = downloader is null ? Path.GetFullPath(directory!) : $"peer {downloader}";
            await Console.Out.WriteLineAsync($"Downloading {request.Path} to {where}: chunks of {ByteSize.Format(request.ChunkSize)}, {request.Parallel} in flight");
            var printer = P2PProgressPrinter.ForConsole("  ");
            var status = downloader is null
                ? await P2PDownloadDriver.ToDirectoryAsync(environment, directory!, request, printer, ct)
                : await P2PDownloadDriver.AtPeerAsync(environment, downloader, request, printer, Console.Out, TimeSpan.FromSeconds(parse.GetValue(wait)), ct);
            P2PDownloadDriver.WriteSummary(status, where, Console.Out);
            if (status.State != P2PDownloadState.Completed)
            {
                throw new CommandFailedException($"the download of {request.Path} failed: {status.Error}");
            }
        }));
        return command;
    }

    private static string Describe(PeerList list) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss.fff} v{list.Version} {(list.Change.Length == 0 ? "" : list.Change + ": ")}{list.Peers.Count} live: {(list.Peers.Count == 0 ? "none" : string.Join(", ", list.Peers.Select(p => $"{p.Name}@{p.Silo}")))}");
}
