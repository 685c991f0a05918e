using System.Globalization;
using System.Text.Json;
using OrleansDist.Client.Download;
using OrleansDist.Client.Reporting;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>The P2P experiment's results: time and rate per source count, the unthrottled single source and the TCP floor.</summary>
internal sealed record P2PExperimentReport
{
    public required long SizeBytes { get; init; }

    public required long UploadBytesPerSecond { get; init; }

    public required int ChunkSize { get; init; }

    public required int Parallel { get; init; }

    public required string Cluster { get; init; }

    public required string Sha256 { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required IReadOnlyList<Run> Runs { get; init; }

    public Run? Unthrottled { get; init; }

    public double? TcpCopySeconds { get; init; }

    public IEnumerable<Setting> Settings =>
        Runs.GroupBy(r => r.Sources).OrderBy(g => g.Key).Select(g =>
        {
            var seconds = Median([.. g.Select(r => r.Seconds)]);
            return new Setting(g.Key, seconds, MiBPerSecond(seconds), [.. g]);
        });

    public double MiBPerSecond(double seconds) => seconds > 0 ? SizeBytes / (double)(1 << 20) / seconds : 0;

    public void WriteTable(TextWriter output)
    {
        var settings = Settings.ToList();
        var one = settings.FirstOrDefault(s => s.Sources == 1)?.Seconds;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ByteSize.Format(SizeBytes)}, upload limit {ByteSize.FormatRate(UploadBytesPerSecond)} per source, chunks of {ByteSize.Format(ChunkSize)}, {Parallel} in flight; {Cluster}"));
        output.WriteLine(" sources | seconds | MiB/s  | speed-up | ideal | MiB per source                 | runs (s)");
        output.WriteLine("---------|---------|--------|----------|-------|--------------------------------|---------");
        foreach (var s in settings)
        {
            var perSource = string.Join(" ", s.Runs.OrderBy(r => Math.Abs(r.Seconds - s.Seconds)).First().BytesBySource.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key}:{b.Value / (double)(1 << 20):0}")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {s.Sources,7} | {s.Seconds,7:0.00} | {s.MiBPerSecond,6:0.0} | {(one is { } o ? o / s.Seconds : 0),8:0.00} | {s.Sources,5:0.00} | {perSource,-30} | {string.Join(", ", s.Runs.Select(r => r.Seconds.ToString("0.00", CultureInfo.InvariantCulture)))}"));
        }

        if (Unthrottled is { } u)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" 1 source, no upload limit: {u.Seconds:0.00} s, {MiBPerSecond(u.Seconds):0.0} MiB/s (chunks, grain calls, SHA-256 per chunk and of the whole file)"));
        }

        if (TcpCopySeconds is { } tcp)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" plain TCP copy of the same file on loopback: {tcp:0.00} s, {MiBPerSecond(tcp):0.0} MiB/s (the floor)"));
        }

        output.WriteLine($" every download's SHA-256: {Sha256} (the generated file's)");
    }

    public object ToJson() => new
    {
        Experiment = "p2p",
        Started,
        SizeBytes,
        UploadBytesPerSecond,
        ChunkSize,
        Parallel,
        Cluster,
        Sha256,
        Settings = Settings.Select(s => new
        {
            s.Sources,
            s.Seconds,
            MibPerS = s.MiBPerSecond,
            Speedup = Settings.FirstOrDefault(x => x.Sources == 1) is { } one ? one.Seconds / s.Seconds : (double?)null,
            Runs = s.Runs.Select(r => new { r.Seconds, MibPerS = MiBPerSecond(r.Seconds), r.Sha256, BytesBySource = r.BytesBySource }),
        }),
        Unthrottled = Unthrottled is { } u ? new { Sources = 1, u.Seconds, MibPerS = MiBPerSecond(u.Seconds) } : null,
        TcpCopy = TcpCopySeconds is { } t ? new { Seconds = t, MibPerS = MiBPerSecond(t) } : null,
    };

    public IReadOnlyList<string> WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "results.json");
        File.WriteAllText(json, JsonSerializer.Serialize(ToJson(), ExperimentReport.JsonOptions));
        var svg = Path.Combine(directory, "p2p-time-vs-sources.svg");
        File.WriteAllText(svg, Chart());
        return [json, svg];
    }

    private string Chart()
    {
        var settings = Settings.ToList();
        var chart = new SvgLineChart
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"P2P download of {ByteSize.Format(SizeBytes)}, {ByteSize.FormatRate(UploadBytesPerSecond)} upload per source"),
            XLabel = "sources",
            YLabel = "seconds",
        };
        chart.Add("measured", settings.Select(s => ((double)s.Sources, s.Seconds)), markers: true);
        if (settings.FirstOrDefault(s => s.Sources == 1) is { } one && settings.Count > 1)
        {
            var max = settings.Max(s => s.Sources);
            chart.Add("ideal T1 / n", Enumerable.Range(0, 41).Select(i => 1 + ((max - 1) * i / 40.0)).Select(n => (n, one.Seconds / n)), dashed: true);
        }

        if (Unthrottled is { } u)
        {
            chart.Add("1 source, no limit", [(1, u.Seconds)], markers: true);
        }

        if (TcpCopySeconds is { } tcp)
        {
            chart.Add("plain TCP copy", [(1, tcp)], markers: true);
        }

        return chart.Render();
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public sealed record Run(int Sources, double Seconds, string Sha256, IReadOnlyDictionary<string, long> BytesBySource);

    public sealed record Setting(int Sources, double Seconds, double MiBPerSecond, IReadOnlyList<Run> Runs);
}
