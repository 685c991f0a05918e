using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.P2P;
using OrleansDist.Client.Download;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// <c>experiment p2p</c>: what several sources buy. The same pseudo-random file is generated in every source's share;
/// one peer downloads it from 1, 2, 3, ... sources, each source's upload limited to <c>--upload-rate</c>; then once from
/// one source without a limit, beside a plain TCP copy of the same file on loopback (the floor).
/// </summary>
internal static class P2PExperiment
{
    private const int Seed = 20261129;

    public static Command Build(CommonOptions common)
    {
        var cluster = new Option<bool>("--cluster") { Description = "Use the running cluster's peers (silos started with --peer/--share) instead of embedded ones" };
        var sources = new Option<string>("--sources") { Description = "Source counts to compare, comma-separated", DefaultValueFactory = _ => "1,2,3", HelpName = "n,n,…" };
        sources.Validators.Add(r =>
        {
            if (ParseCounts(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError($"--sources '{r.GetValueOrDefault<string>()}' must be a comma-separated list of counts between 1 and 16, e.g. 1,2,3");
            }
        });
        var size = P2POptions.SizeOption("--size", "Size of the test file", "200MiB", 1, 16L << 30);
        var rate = new Option<string>("--upload-rate") { Description = "Upload limit of each source during the timed runs, e.g. 20MiB/s", DefaultValueFactory = _ => "20MiB/s", HelpName = "rate" };
        rate.Validators.Add(r =>
        {
            if (!ByteSize.TryParseRate(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--upload-rate '{r.GetValueOrDefault<string>()}' is not a rate such as 20MiB/s");
            }
        });
        var chunk = P2POptions.ChunkOption();
        var parallel = new Option<int>("--parallel") { Description = "Chunk requests in flight over all sources", DefaultValueFactory = _ => 8, HelpName = "n" };
        parallel.Validators.Add(r => P2POptions.Range(r, "--parallel", 1, P2PLimits.MaxParallel));
        var repeat = new Option<int>("--repeat") { Description = "Downloads per source count (the table shows the median)", DefaultValueFactory = _ => 1, HelpName = "n" };
        repeat.Validators.Add(r => P2POptions.Range(r, "--repeat", 1, 20));
        var downloader = new Option<string>("--downloader") { Description = "With --cluster: the peer that downloads (the others are the sources, by name)", HelpName = "peer" };
        var output = new Option<string>("--out") { Description = "Directory for results.json and p2p-time-vs-sources.svg", DefaultValueFactory = _ => "results/p2p", HelpName = "dir" };
        var json = new Option<string>("--json") { Description = "Also write the JSON here", HelpName = "file" };
        var noFloor = new Option<bool>("--no-floor") { Description = "Skip the unthrottled single-source run and the TCP copy" };
        var command = new Command("p2p", "Times a P2P download from 1, 2, 3, ... rate-limited sources, beside an unthrottled source and a plain TCP copy")
        {
            cluster, sources, size, rate, chunk, parallel, repeat, downloader, output, json, noFloor,
        };
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var counts = ParseCounts(parse.GetValue(sources))!;
            var useCluster = parse.GetValue(cluster);
            ByteSize.TryParseRate(parse.GetValue(rate), out var uploadRate);
            var settings = new Settings(
                counts, P2POptions.Bytes(parse, size), uploadRate, (int)P2POptions.Bytes(parse, chunk), parse.GetValue(parallel), parse.GetValue(repeat), !parse.GetValue(noFloor));
            var name = parse.GetValue(downloader);
            if (useCluster && name is null)
            {
                throw new UsageException("with --cluster, name the downloading peer with --downloader (the other live peers are the sources)");
            }

            var temp = Path.Combine(Path.GetTempPath(), $"orleansdist-p2p-{Guid.NewGuid():N}"[..30]);
            try
            {
                var shares = useCluster ? [] : Enumerable.Range(1, counts.Max()).Select(i => new PeerShareOptions($"source{i}", Path.Combine(temp, $"source{i}")))
                    .Append(new PeerShareOptions("downloader", Path.Combine(temp, "downloader"))).ToList();
                await using var environment = await P2PEnvironment.StartAsync(common.Read(parse), useCluster, shares, Console.Out, ct);
                var report = await RunAsync(environment, settings, name ?? "downloader", temp, ct);
                report.WriteTable(Console.Out);
                var files = report.WriteFiles(parse.GetValue(output) ?? "results/p2p");
                if (parse.GetValue(json) is { } jsonPath)
                {
                    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report.ToJson(), ExperimentReport.JsonOptions), ct);
                    files = [.. files, jsonPath];
                }

                await Console.Out.WriteLineAsync($"\nWrote {string.Join(", ", files)}");
            }
            finally
            {
                if (Directory.Exists(temp))
                {
                    Directory.Delete(temp, recursive: true);
                }
            }
        }));
        return command;
    }

    private static async Task<P2PExperimentReport> RunAsync(P2PEnvironment environment, Settings settings, string downloaderName, string temp, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        using var activity = P2PTelemetry.Source.StartActivity("experiment p2p");
        var peers = (await environment.Tracker.GetPeers()).Peers;
        var downloader = peers.FirstOrDefault(p => p.Name == downloaderName)
            ?? throw new CommandFailedException($"peer '{downloaderName}' is not live (live: {string.Join(", ", peers.Select(p => p.Name))})");
        var sources = peers.Where(p => p != downloader).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (sources.Count < settings.Counts.Max())
        {
            throw new CommandFailedException($"{settings.Counts.Max()} sources asked for, but only {sources.Count} live peers besides {downloaderName}: {string.Join(", ", sources.Select(s => s.Name))}");
        }

        sources = [.. sources.Take(settings.Counts.Max())];
        var path = string.Create(CultureInfo.InvariantCulture, $"experiment/p2p-{settings.Size}.bin");
        var watch = Stopwatch.StartNew();
        await Console.Out.WriteLineAsync($"Generating {path} ({ByteSize.Format(settings.Size)}) in the shares of {string.Join(", ", sources.Select(s => s.Name))} and here …");
        Directory.CreateDirectory(temp);
        var local = Path.Combine(temp, "reference.bin");
        var generated = await Task.WhenAll(sources.Select(s => LongShareCalls.AwaitAsync(
                environment.Peer(s), path, () => environment.Peer(s).GenerateFile(path, settings.Size, Seed, settings.ChunkSize), f => f.Size == settings.Size, ct))
            .Append(Task.Run(() =>
            {
                PseudoRandomFile.Write(local, settings.Size, Seed, ct);
                return new SharedFileInfo { Path = path, Size = settings.Size, Sha256 = FileHashing.FileSha256Async(local, ct).GetAwaiter().GetResult(), Peer = "client" };
            }, ct)));
        var sha = generated[^1].Sha256;
        if (generated.Any(g => g.Sha256 != sha))
        {
            throw new CommandFailedException("the sources generated different files: " + string.Join(", ", generated.Select(g => $"{g.Peer} {g.Sha256[..12]}")));
        }

        await Console.Out.WriteLineAsync($"  done in {watch.Elapsed.TotalSeconds:0.0} s; SHA-256 {sha}");
        var runs = new List<P2PExperimentReport.Run>();
        P2PExperimentReport.Run? unthrottled = null;
        double? tcp = null;
        try
        {
            foreach (var count in settings.Counts)
            {
                for (var r = 1; r <= settings.Repeat; r++)
                {
                    await Console.Out.WriteLineAsync($"\n[{count} source{(count == 1 ? "" : "s")}, run {r}/{settings.Repeat}] {downloaderName} downloads {path} from {string.Join(", ", sources.Take(count).Select(s => s.Name))}, {ByteSize.FormatRate(settings.UploadRate)} each");
                    runs.Add(await TimeOneAsync(environment, downloader, sources.Take(count).ToList(), settings.UploadRate, path, sha, settings, ct));
                }
            }

            if (settings.Floor)
            {
                await Console.Out.WriteLineAsync($"\n[1 source, no upload limit] {downloaderName} downloads {path} from {sources[0].Name}");
                unthrottled = await TimeOneAsync(environment, downloader, [sources[0]], 0, path, sha, settings, ct);
                var copy = Path.Combine(temp, "tcp-copy.bin");
                tcp = await TcpCopyFloor.CopyAsync(local, copy, ct);
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[plain TCP copy on loopback] {tcp:0.00} s"));
                File.Delete(copy);
            }
        }
        finally
        {
            // leave the peers as they were: their own upload limits, and no test file
            foreach (var source in sources)
            {
                await Quietly(() => environment.Peer(source).SetUploadRate(source.UploadBytesPerSecond));
                await Quietly(() => environment.Peer(source).Remove(path));
            }

            await Quietly(() => environment.Peer(downloader).Remove(path));
        }

        return new P2PExperimentReport
        {
            SizeBytes = settings.Size,
            UploadBytesPerSecond = settings.UploadRate,
            ChunkSize = settings.ChunkSize,
            Parallel = settings.Parallel,
            Cluster = environment.Cluster.Description,
            Sha256 = sha,
            Started = started,
            Runs = runs,
            Unthrottled = unthrottled,
            TcpCopySeconds = tcp,
        };
    }

    private static async Task<P2PExperimentReport.Run> TimeOneAsync(
        P2PEnvironment environment, PeerInfo downloader, IReadOnlyList<PeerInfo> sources, long rate, string path, string sha, Settings settings, CancellationToken ct)
    {
        await environment.Peer(downloader).Remove(path);
        foreach (var source in sources)
        {
            await environment.Peer(source).SetUploadRate(rate);
        }

        var request = new P2PDownloadRequest { Path = path, ChunkSize = settings.ChunkSize, Parallel = settings.Parallel, Sources = [.. sources.Select(s => s.Name)], Restart = true };
        var watch = Stopwatch.StartNew();
        var status = await P2PDownloadDriver.AtPeerAsync(environment, downloader.Name, request, new P2PProgressPrinter(Console.Out, interactive: false, TimeSpan.FromSeconds(2), "  "), Console.Out, TimeSpan.FromSeconds(30), ct);
        var seconds = watch.Elapsed.TotalSeconds;
        if (status.State != P2PDownloadState.Completed || status.Sha256 != sha)
        {
            throw new CommandFailedException($"the download from {string.Join(", ", sources.Select(s => s.Name))} did not complete with SHA-256 {sha}: {status.Error ?? status.Sha256}");
        }

        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  → {seconds:0.00} s, {settings.Size / (double)(1 << 20) / seconds:0.0} MiB/s, SHA-256 verified ({string.Join(", ", status.Sources.Select(s => $"{s.Peer} {s.Chunks} chunks"))})"));
        return new P2PExperimentReport.Run(sources.Count, seconds, status.Sha256, status.Sources.ToDictionary(s => s.Peer, s => s.Bytes));
    }

    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // best effort: the peer may be gone
        }
    }

    private static int[]? ParseCounts(string? text)
    {
        var counts = new List<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 16)
            {
                return null;
            }

            counts.Add(count);
        }

        return counts.Count == 0 ? null : [.. counts.Distinct()];
    }

    private sealed record Settings(int[] Counts, long Size, long UploadRate, int ChunkSize, int Parallel, int Repeat, bool Floor);
}
