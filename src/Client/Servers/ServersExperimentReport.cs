using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansDist.Client.Reporting;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The servers experiment's results: the seed's table (median seconds per design and client count), the details (every
/// run, work efficiency, the server's CPU, threads, processes and memory, why a design failed), <c>results.json</c> and
/// <c>time-vs-clients.svg</c>.
/// </summary>
internal sealed class ServersExperimentReport(IReadOnlyList<ServerDesignResult> results, ServersExperimentSettings settings, DateTimeOffset started)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private IEnumerable<string> Designs => results.Select(r => r.Design).Distinct();

    private IReadOnlyList<int> Counts => [.. results.Select(r => r.Clients).Distinct().Order()];

    public void WriteTable(TextWriter output)
    {
        var t = settings.TaskDuration.TotalSeconds;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Median seconds until the last reply (work {settings.Work.ToString().ToLowerInvariant()}, T = {t:0.###} s, {settings.Repeat} run(s) each, {Environment.ProcessorCount} cores; FAIL/skip: see below)"));
        var header = " design     | " + string.Join(" | ", Counts.Select(c => c.ToString(CultureInfo.InvariantCulture).PadLeft(7)));
        output.WriteLine(header);
        output.WriteLine(new string('-', header.Length));
        foreach (var design in Designs)
        {
            var cells = Counts.Select(c => results.FirstOrDefault(r => r.Design == design && r.Clients == c) switch
            {
                { Status: ServerResultStatus.Ok } ok => ok.MedianSeconds!.Value.ToString("0.00", CultureInfo.InvariantCulture),
                { Status: ServerResultStatus.Failed } => "FAIL",
                { Status: ServerResultStatus.Skipped } => "skip",
                _ => "",
            });
            output.WriteLine($" {design,-10} | " + string.Join(" | ", cells.Select(c => c.PadLeft(7))));
        }

        output.WriteLine();
        output.WriteLine(" design     | clients | median s | × T    | connected | max wait | runs (s)              | work eff. | CPU util. | server CPU s | threads | procs | RSS MB | note");
        output.WriteLine("------------|---------|----------|--------|-----------|----------|-----------------------|-----------|-----------|--------------|---------|-------|--------|-----");
        foreach (var r in results)
        {
            var last = r.Runs.LastOrDefault();
            var runs = string.Join(", ", r.Runs.Select(x => x.Load.Seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "fail"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {r.Design,-10} | {r.Clients,7} | {Show(r.MedianSeconds, "0.00"),8} | {Show(r.MedianSeconds / t, "0.00"),6} | {Show(MedianOf(r, x => x.Load.AllConnectedSeconds), "0.00"),9} | {Show(MedianOf(r, x => x.Load.LongestWaitSeconds), "0.00"),8} | {runs,-21} | {Show(MedianOf(r, x => x.Efficiency), "0.00"),9} | {Show(MedianOf(r, x => x.CpuUtilisation), "0.00"),9} | {Show(MedianOf(r, x => x.ServerCpuSeconds), "0.0"),12} | {Show(last?.PeakThreads, "0"),7} | {Show(last?.PeakProcesses, "0"),5} | {Show(last?.PeakRssBytes / 1048576.0, "0"),6} | {r.Reason}"));
        }

        output.WriteLine();
        output.WriteLine("connected = seconds from the start until the last client was connected; max wait = the longest any client waited from sending its task to its reply (the server's own delay, without the connecting); medians over the runs.");
        output.WriteLine("work eff. (--work cpu only) = replied × T / (seconds × cores): the CPU work the replies claim per second over what the cores allow; a design cannot exceed 1.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load avg. = the machine's 1-minute load average as each run started (runs {results.SelectMany(r => r.Runs).Select(x => x.LoadAverage).OfType<double>().DefaultIfEmpty().Min():0.0} to {results.SelectMany(r => r.Runs).Select(x => x.LoadAverage).OfType<double>().DefaultIfEmpty().Max():0.0}); above the core count, other processes took CPU from the runs."));
        output.WriteLine("CPU util. = the server process tree's measured CPU time / (seconds × cores). threads, procs, RSS: the server tree's peak during the last run (RSS summed over its processes).");
    }

    /// <returns>The files written.</returns>
    public IReadOnlyList<string> WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "results.json");
        File.WriteAllText(json, JsonSerializer.Serialize(ToJson(), JsonOptions));
        var svg = Path.Combine(directory, "time-vs-clients.svg");
        File.WriteAllText(svg, Chart());
        return [json, svg];
    }

    public object ToJson() => new
    {
        Experiment = "servers",
        Started = started,
        Work = settings.Work.ToString().ToLowerInvariant(),
        TaskMs = (long)settings.TaskDuration.TotalMilliseconds,
        settings.Repeat,
        Cores = Environment.ProcessorCount,
        ProcessWorkers = settings.Workers,
        ActorSilos = settings.Silos,
        settings.Listeners,
        MaxRunSeconds = settings.MaxRun.TotalSeconds,
        Target = settings.Target is { } target ? $"{target.Host}:{target.Port}" : null,
        Designs = results.Select(r => new
        {
            r.Design,
            r.Clients,
            Status = r.Status.ToString().ToLowerInvariant(),
            r.Reason,
            MedianSeconds = Round(r.MedianSeconds),
            MedianOverTask = Round(r.MedianSeconds / settings.TaskDuration.TotalSeconds),
            MedianAllConnectedSeconds = Round(MedianOf(r, x => x.Load.AllConnectedSeconds)),
            MedianLongestWaitSeconds = Round(MedianOf(r, x => x.Load.LongestWaitSeconds)),
            Efficiency = Round(MedianOf(r, x => x.Efficiency)),
            CpuUtilisation = Round(MedianOf(r, x => x.CpuUtilisation)),
            Runs = r.Runs.Select(x => new
            {
                x.Run,
                Seconds = Round(x.Load.Seconds),
                FirstReplySeconds = Round(x.Load.FirstReplySeconds),
                MedianReplySeconds = Round(x.Load.MedianReplySeconds),
                AllConnectedSeconds = Round(x.Load.AllConnectedSeconds),
                LongestWaitSeconds = Round(x.Load.LongestWaitSeconds),
                WallSeconds = Round(x.Load.WallSeconds),
                x.Load.Replied,
                x.Load.Failed,
                Failures = x.Load.Failures.Count == 0 ? null : x.Load.Failures,
                x.Load.DeadlineReached,
                x.Efficiency,
                x.CpuUtilisation,
                x.ServerCpuSeconds,
                PeakThreads = x.PeakThreads,
                PeakProcesses = x.PeakProcesses,
                PeakRssMb = x.PeakRssBytes is { } rss ? Math.Round(rss / 1048576.0, 1) : (double?)null,
                x.ServerOutput,
                x.LoadAverage,
            }),
        }),
    };

    private string Chart()
    {
        var t = settings.TaskDuration.TotalSeconds;
        var chart = new SvgLineChart
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Time until the last reply ({settings.Work.ToString().ToLowerInvariant()} work, T = {t:0.###} s)"),
            XLabel = "concurrent clients",
            YLabel = "seconds (median)",
        };
        foreach (var design in Designs)
        {
            var points = results.Where(r => r.Design == design && r.MedianSeconds is not null).Select(r => ((double)r.Clients, r.MedianSeconds!.Value)).ToList();
            if (points.Count > 0)
            {
                chart.Add(design, points, markers: true);
            }
        }

        if (Counts.Count > 0)
        {
            chart.Add("one task (T)", [(Counts[0], t), (Counts[^1], t)], dashed: true);
        }

        return chart.Render();
    }

    private static double? MedianOf(ServerDesignResult r, Func<ServerRunRecord, double?> value) =>
        r.Runs.Select(value).OfType<double>().ToList() is { Count: > 0 } values ? ServerDesignResult.Median(values) : null;

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static string Show(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
