using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansDist.Client.Reporting;

namespace OrleansDist.Client.Download;

/// <summary>
/// The download experiment's results per fetcher count: median time, speed-up over one fetcher, efficiency
/// (speed-up / fetchers), and the median requests, duplicates and <c>-1</c> replies; written as a table, JSON, CSV and
/// the two figures the course asks for.
/// </summary>
internal sealed class ExperimentReport
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private ExperimentReport(IReadOnlyList<Setting> settings, IReadOnlyList<DownloadResult> runs, ExperimentInfo info)
    {
        Settings = settings;
        Runs = runs;
        Info = info;
    }

    public IReadOnlyList<Setting> Settings { get; }

    public IReadOnlyList<DownloadResult> Runs { get; }

    public ExperimentInfo Info { get; }

    public static ExperimentReport Build(IReadOnlyList<DownloadResult> runs, ExperimentInfo info)
    {
        var groups = runs.GroupBy(r => r.Fetchers).OrderBy(g => g.Key).ToList();
        var baseline = groups.FirstOrDefault(g => g.Key == 1) is { } one && one.Any(r => r.Succeeded)
            ? Median(one.Where(r => r.Succeeded).Select(r => r.Seconds))
            : (double?)null;
        var baselineDraws = groups.FirstOrDefault(g => g.Key == 1) is { } first && first.Where(r => r.Succeeded && r.SteadyDrawRate is not null).ToList() is { Count: > 0 } drawn
            ? Median(drawn.Select(r => r.SteadyDrawRate!.Value))
            : (double?)null;
        var settings = groups.Select(g =>
        {
            var succeeded = g.Where(r => r.Succeeded).ToList();
            var median = succeeded.Count == 0 ? (double?)null : Median(succeeded.Select(r => r.Seconds));
            var speedup = baseline is { } b && median is { } m && m > 0 ? b / m : (double?)null;
            var drawRates = succeeded.Where(r => r.SteadyDrawRate is not null).Select(r => r.SteadyDrawRate!.Value).ToList();
            var drawRate = drawRates.Count == 0 ? (double?)null : Median(drawRates);
            var drawEfficiency = baselineDraws is { } d1 && d1 > 0 && drawRate is { } dn ? dn / (g.Key * d1) : (double?)null;
            return new Setting(
                g.Key,
                median,
                speedup,
                speedup / g.Key,
                succeeded.Count == 0 ? 0 : (long)Median(succeeded.Select(r => (double)r.Requests)),
                succeeded.Count == 0 ? 0 : (long)Median(succeeded.Select(r => (double)r.Duplicates)),
                succeeded.Count == 0 ? 0 : (long)Median(succeeded.Select(r => (double)r.MinusOneReplies)),
                [.. g.Select(r => Math.Round(r.Seconds, 3))],
                succeeded.Count,
                g.Count(),
                succeeded.Count == 0 ? 0 : (long)Median(succeeded.Select(r => (double)r.LinesReceived)),
                succeeded.Count == 0 ? 0 : Math.Round(Median(succeeded.Select(r => r.LinesReceived / r.Seconds / r.Fetchers)), 1),
                drawRate is { } rate ? Math.Round(rate, 1) : null,
                drawEfficiency);
        }).ToList();
        return new ExperimentReport(settings, runs, info);
    }

    public void WriteTable(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(" fetchers | median s | speed-up | efficiency | draws/s | draw-rate eff. | requests | duplicates | -1 replies | lines received | lines/s per fetcher | runs (s)");
        output.WriteLine("----------|----------|----------|------------|---------|----------------|----------|------------|------------|----------------|---------------------|---------");
        foreach (var s in Settings)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {s.Fetchers,8} | {Show(s.MedianSeconds, "0.00"),8} | {Show(s.Speedup, "0.00"),8} | {Show(s.Efficiency, "0.00"),10} | {Show(s.DrawRate, "0.0"),7} | {Show(s.DrawRateEfficiency, "0.00"),14} | {s.Requests,8} | {s.Duplicates,10} | {s.MinusOneReplies,10} | {s.LinesReceived,14} | {s.LinesPerSecondPerFetcher,19:0.0} | {string.Join(", ", s.RunSeconds.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}{(s.Succeeded < s.Runs ? $" ({s.Runs - s.Succeeded} failed)" : "")}"));
        }
    }

    /// <summary>Writes results.json, results.csv, time-vs-fetchers.svg and lines-over-time.svg into <paramref name="directory"/>.</summary>
    public IReadOnlyList<string> WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>
        {
            Write(directory, "results.json", JsonSerializer.Serialize(ToJson(), JsonOptions)),
            Write(directory, "results.csv", ToCsv()),
            Write(directory, "time-vs-fetchers.svg", TimeChart()),
            Write(directory, "lines-over-time.svg", LinesChart()),
        };
        return files;
    }

    public object ToJson() => new
    {
        experiment = "download",
        Info.Server,
        Info.Lines,
        rate_per_session = Info.Rate,
        Info.Repeat,
        Info.Cluster,
        started_at = Info.StartedAt,
        settings = Settings.Select(s => new
        {
            s.Fetchers,
            median_seconds = Round(s.MedianSeconds),
            speedup = Round(s.Speedup),
            efficiency = Round(s.Efficiency),
            draws_per_second = s.DrawRate,
            draw_rate_efficiency = Round(s.DrawRateEfficiency),
            s.Requests,
            s.Duplicates,
            minus_one_replies = s.MinusOneReplies,
            lines_received = s.LinesReceived,
            lines_per_second_per_fetcher = s.LinesPerSecondPerFetcher,
            run_seconds = s.RunSeconds,
            s.Succeeded,
            s.Runs,
        }),
        runs = Runs.Select(DownloadJson.Summary),
    };

    private string ToCsv()
    {
        var csv = new StringBuilder("fetchers,median_seconds,speedup,efficiency,draws_per_second,draw_rate_efficiency,requests,duplicates,minus_one_replies,succeeded,runs,run_seconds\n");
        foreach (var s in Settings)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{s.Fetchers},{Show(s.MedianSeconds, "0.###", "")},{Show(s.Speedup, "0.###", "")},{Show(s.Efficiency, "0.###", "")},{Show(s.DrawRate, "0.#", "")},{Show(s.DrawRateEfficiency, "0.###", "")},{s.Requests},{s.Duplicates},{s.MinusOneReplies},{s.Succeeded},{s.Runs},{string.Join(';', s.RunSeconds.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))}\n");
        }

        return csv.ToString();
    }

    private string TimeChart()
    {
        var measured = Settings.Where(s => s.MedianSeconds is not null).Select(s => ((double)s.Fetchers, s.MedianSeconds!.Value)).ToList();
        var chart = new SvgLineChart
        {
            Title = $"Download time vs fetchers ({Info.Lines} lines, median of {Info.Repeat})",
            XLabel = "fetchers",
            YLabel = "seconds until SUBMIT reply",
        };
        chart.Add("measured (median)", measured, markers: true);
        if (Settings.FirstOrDefault(s => s.Fetchers == 1)?.MedianSeconds is { } one)
        {
            var max = Settings.Max(s => s.Fetchers);
            chart.Add("ideal T1 / n", Enumerable.Range(0, 41).Select(i => 1 + ((max - 1) * i / 40.0)).Select(n => (n, one / n)), dashed: true);
        }

        return chart.Render();
    }

    private string LinesChart()
    {
        var chart = new SvgLineChart
        {
            Title = $"Lines collected over time ({Info.Lines} lines; the median run of each setting)",
            XLabel = "seconds since start",
            YLabel = "distinct lines collected",
        };
        foreach (var setting in Settings)
        {
            var runs = Runs.Where(r => r.Fetchers == setting.Fetchers && r.Succeeded).OrderBy(r => r.Seconds).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var median = runs[runs.Count / 2];
            var points = median.Timeline.Select((ms, i) => (ms / 1000.0, (double)(i + 1))).Prepend((0, 0));
            chart.Add($"{setting.Fetchers} fetcher{(setting.Fetchers == 1 ? "" : "s")}", points);
        }

        return chart.Render();
    }

    private static string Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static string Show(double? value, string format, string missing = "-") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : missing;

    public sealed record Setting(
        int Fetchers, double? MedianSeconds, double? Speedup, double? Efficiency, long Requests, long Duplicates, long MinusOneReplies,
        double[] RunSeconds, int Succeeded, int Runs, long LinesReceived = 0, double LinesPerSecondPerFetcher = 0,
        double? DrawRate = null, double? DrawRateEfficiency = null);

    public sealed record ExperimentInfo(string Server, int Lines, double? Rate, int Repeat, string Cluster, DateTimeOffset StartedAt);
}
