using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Client.Download;

/// <summary><c>download</c> and <c>experiment download</c>: the cooperative line download, once or as the course's experiment.</summary>
internal static class DownloadCommands
{
    public static Command BuildDownload(CommonOptions common)
    {
        var options = new DownloadOptions();
        var fetchers = new Option<int>("--fetchers")
        {
            Description = "Fetcher grains downloading together, each with its own connection and source address",
            DefaultValueFactory = _ => 4,
            HelpName = "n",
        };
        fetchers.Validators.Add(result => DownloadOptions.Range(result, "--fetchers", 1, Grains.LineDownload.SourceAddressPlan.MaxLoopbackFetchers));
        var command = new Command("download", "Downloads the line server's file with N cooperating fetcher grains, pools it in a line-collection grain, and SUBMITs it")
        {
            fetchers,
        };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var settings = options.Read(parse);
            var count = parse.GetValue(fetchers);
            CheckSourceAddresses(settings, count);
            await using var environment = await DownloadEnvironment.StartAsync(settings, common.Read(parse), Console.Out, ct);
            var id = NewId("dl");
            var request = Request(settings, environment.Server, count);
            await Console.Out.WriteLineAsync($"Download {id}: {count} fetcher{(count == 1 ? "" : "s")}, {settings.Lines} lines from {environment.Server}, entry {settings.Entry}");
            var runner = new DownloadRunner(environment.Client, new DownloadProgressPrinter(Console.Out, TimeSpan.FromSeconds(1)));
            var result = await runner.RunAsync(id, request, settings.Timeout, ct);
            WriteSummary(result, Console.Out);
            if (settings.JsonPath is { } json)
            {
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(DownloadJson.Summary(result), ExperimentReport.JsonOptions), ct);
            }

            await environment.KeepDashboardAsync(settings, Console.Out, ct);
            if (!result.Succeeded)
            {
                throw new CommandFailedException(FailureText(result));
            }
        }));
        return command;
    }

    public static Command BuildExperiment(CommonOptions common)
    {
        var options = new DownloadOptions();
        var fetchers = new Option<string>("--fetchers")
        {
            Description = "Fetcher counts to compare, comma-separated",
            DefaultValueFactory = _ => "1,2,3,4",
            HelpName = "n,n,…",
        };
        fetchers.Validators.Add(result =>
        {
            if (ParseCounts(result.GetValueOrDefault<string>() ?? "") is null)
            {
                result.AddError($"--fetchers '{result.GetValueOrDefault<string>()}' must be a comma-separated list of counts between 1 and {Grains.LineDownload.SourceAddressPlan.MaxLoopbackFetchers}, e.g. 1,2,3,4");
            }
        });
        var repeat = new Option<int>("--repeat")
        {
            Description = "Downloads per fetcher count (the table shows the median)",
            DefaultValueFactory = _ => 3,
            HelpName = "n",
        };
        repeat.Validators.Add(result => DownloadOptions.Range(result, "--repeat", 1, 100));
        var output = new Option<string>("--out")
        {
            Description = "Directory for results.json, results.csv, time-vs-fetchers.svg and lines-over-time.svg",
            DefaultValueFactory = _ => "results/download",
            HelpName = "dir",
        };
        var download = new Command("download", "Times the cooperative download for each fetcher count (each on a fresh server session) and plots the results")
        {
            fetchers,
            repeat,
            output,
        };
        options.AddTo(download);
        download.SetAction((parse, ct) => Program.Run(async () =>
        {
            var settings = options.Read(parse);
            var counts = ParseCounts(parse.GetValue(fetchers) ?? "")!;
            var repeats = parse.GetValue(repeat);
            var directory = parse.GetValue(output) ?? "results/download";
            CheckSourceAddresses(settings, counts.Max());
            var started = DateTimeOffset.UtcNow;
            await using var environment = await DownloadEnvironment.StartAsync(settings, common.Read(parse), Console.Out, ct);
            using var activity = DownloadRunner.Source.StartActivity("experiment download");
            activity?.SetTag("orleansdist.fetcher_counts", string.Join(',', counts));
            activity?.SetTag("orleansdist.repeat", repeats);
            var stamp = NewId("exp");
            var results = new List<DownloadResult>();
            foreach (var count in counts)
            {
                for (var run = 1; run <= repeats; run++)
                {
                    var id = $"{stamp}-f{count}-r{run}";
                    await Console.Out.WriteLineAsync($"\n[{count} fetcher{(count == 1 ? "" : "s")}, run {run}/{repeats}] download {id}");
                    var runner = new DownloadRunner(environment.Client, new DownloadProgressPrinter(Console.Out, TimeSpan.FromSeconds(5), "  "));
                    var result = await runner.RunAsync(id, Request(settings, environment.Server, count), settings.Timeout, ct);
                    results.Add(result);
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  → {result.Seconds:0.00} s, {result.Requests} requests, {result.Duplicates} duplicates, {result.MinusOneReplies} -1 replies; {(result.Status.Submit?.Reply ?? FailureText(result))}"));
                }
            }

            var report = ExperimentReport.Build(results, new ExperimentReport.ExperimentInfo(
                environment.Server, settings.Lines, settings.Server is null ? settings.Rate : null, repeats, environment.ClusterDescription, started));
            report.WriteTable(Console.Out);
            var files = report.WriteFiles(directory);
            if (settings.JsonPath is { } json)
            {
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report.ToJson(), ExperimentReport.JsonOptions), ct);
                files = [.. files, json];
            }

            await Console.Out.WriteLineAsync($"\nWrote {string.Join(", ", files)}");
            activity?.Dispose();
            await environment.KeepDashboardAsync(settings, Console.Out, ct);
            var failed = results.Count(r => !r.Succeeded);
            if (failed > 0)
            {
                throw new CommandFailedException($"{failed} of {results.Count} downloads did not end with every line correct (see above)");
            }
        }));
        return new Command("experiment", "Runs the course's experiments and writes tables, JSON, CSV and plots")
        {
            download,
            P2P.P2PExperiment.Build(common),
            Groups.GroupExperimentCommand.Build(common),
            Servers.ServerCommands.BuildExperiment(common),
        };
    }

    private static DownloadRequest Request(DownloadSettings settings, string server, int fetchers) => new()
    {
        Server = server,
        Entry = settings.Entry,
        Fetchers = fetchers,
        ExpectedLines = settings.Lines,
        SourceAddresses = settings.SourceAddresses,
        ResetSession = settings.ResetSession,
        PipelineDepth = settings.PipelineDepth,
        ServerUnreachableTimeoutMs = (int)settings.ServerTimeout.TotalMilliseconds,
    };

    private static void CheckSourceAddresses(DownloadSettings settings, int fetchers)
    {
        if (settings.SourceAddresses.Length > 0 && settings.SourceAddresses.Length < fetchers)
        {
            throw new UsageException($"{fetchers} fetchers need {fetchers} --source-address values (each fetcher is its own session), got {settings.SourceAddresses.Length}");
        }
    }

    private static int[]? ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count < 1 || count > Grains.LineDownload.SourceAddressPlan.MaxLoopbackFetchers)
            {
                return null;
            }

            counts.Add(count);
        }

        return counts.Count == 0 ? null : [.. counts.Distinct()];
    }

    private static string NewId(string prefix) =>
        $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    private static void WriteSummary(DownloadResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(" fetcher | silo        | source          | requests | lines | new  | duplicates | -1 replies | reconnects | restarts");
        output.WriteLine("---------|-------------|-----------------|----------|-------|------|------------|------------|------------|---------");
        foreach (var f in result.Status.Fetchers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {f.Index,7} | {f.Silo,-11} | {(f.SourceAddress.Length == 0 ? "(system)" : f.SourceAddress),-15} | {f.Requests,8} | {f.LinesReceived,5} | {f.NewLines,4} | {f.Duplicates,10} | {f.MinusOneReplies,10} | {f.Reconnects,10} | {f.Restarts,8}"));
        }

        output.WriteLine();
        output.WriteLine($"Collection on {result.Status.CollectionSilo}; {result.Status.CollectionDuplicates} lines arrived twice at the collection (fetchers racing) and were dropped there.");
        if (result.Status.Submit is { } submit)
        {
            output.WriteLine($"Server: {submit.Reply}");
        }

        var score = result.Status.Submit is { Success: true } s ? $" (score {s.ScoreMs} ms)" : "";
        output.WriteLine(result.Status.Submit is null
            ? string.Create(CultureInfo.InvariantCulture, $"FAILED: {result.Status.Collected}/{result.Lines} lines collected; {result.Status.Phase.ToString().ToLowerInvariant()} after {result.Seconds:0.00} s")
            : string.Create(CultureInfo.InvariantCulture,
                $"{(result.Succeeded ? "Done" : "FAILED")}: {result.Status.Collected}/{result.Lines} lines, all collected after {result.CollectedSeconds ?? 0:0.00} s, SUBMIT answered after {result.Seconds:0.00} s{score}"));
    }

    private static string FailureText(DownloadResult result) => result.Status.Phase switch
    {
        DownloadPhase.Submitted when result.Status.Submit is { Success: true } s =>
            $"the server counted {s.Correct} correct and {s.Incorrect} incorrect lines of {result.Lines}",
        DownloadPhase.Submitted => $"the server refused the submission: {result.Status.Submit?.Reply}",
        _ => $"download {result.DownloadId} {result.Status.Phase.ToString().ToLowerInvariant()}: {result.Status.Error ?? "no reason given"}",
    };
}
