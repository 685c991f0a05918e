using System.Text.Json;
using System.Xml.Linq;
using OrleansDist.Client.Download;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class ExperimentReportTests
{
    private const int Lines = 100;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly ExperimentReport.ExperimentInfo Info =
        new("127.0.0.1:9000", Lines, Rate: 100, Repeat: 3, Cluster: "2 silos", StartedAt: new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private static int _ids;

    /// <summary>A synthetic run: <paramref name="requests"/> etc. are split over the fetchers (the first takes the remainder).</summary>
    private static DownloadResult Run(
        int fetchers, double seconds, bool ok = true, long requests = 150, long duplicates = 4, long minusOnes = 10, long collectionDuplicates = 0,
        DownloadPhase? phase = null, SubmitOutcome? submit = null)
    {
        var fetcherProgress = Enumerable.Range(0, fetchers).Select(i => new FetcherProgress
        {
            Index = i,
            Requests = (requests / fetchers) + (i == 0 ? requests % fetchers : 0),
            Duplicates = (duplicates / fetchers) + (i == 0 ? duplicates % fetchers : 0),
            MinusOneReplies = (minusOnes / fetchers) + (i == 0 ? minusOnes % fetchers : 0),
        }).ToArray();
        return new DownloadResult
        {
            DownloadId = $"run-{Interlocked.Increment(ref _ids)}",
            Fetchers = fetchers,
            Lines = Lines,
            Seconds = seconds,
            Timeline = [.. Enumerable.Range(1, Lines).Select(i => (int)(seconds * 1000 * i / Lines))],
            Status = new DownloadStatus
            {
                DownloadId = "x",
                Phase = phase ?? (ok ? DownloadPhase.Submitted : DownloadPhase.Failed),
                Submit = submit ?? (ok ? new SubmitOutcome { Success = true, Reply = "SUBMIT SUCCESS: ...", Correct = Lines, LinesRead = Lines } : null),
                Error = ok ? null : "server unreachable",
                CollectionDuplicates = collectionDuplicates,
                Fetchers = fetcherProgress,
            },
        };
    }

    private static List<DownloadResult> StandardRuns() =>
    [
        Run(1, 12), Run(1, 10, requests: 120, minusOnes: 0), Run(1, 11, requests: 130, minusOnes: 2),
        Run(2, 6), Run(2, 5, duplicates: 6, collectionDuplicates: 2), Run(2, 40, ok: false),
        Run(4, 4, requests: 400), Run(4, 3, requests: 200), Run(4, 2.5, requests: 300), Run(4, 3.5, requests: 100),
    ];

    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 10.0, 10.0 }, 10.0)]
    public void Median_OfOddAndEvenCounts(double[] values, double expected) => Assert.Equal(expected, ExperimentReport.Median(values));

    [Fact]
    public void Build_OneSettingPerFetcherCount_InOrder()
    {
        var runs = StandardRuns();
        var report = ExperimentReport.Build([.. runs.OrderByDescending(r => r.Seconds)], Info);

        Assert.Equal([1, 2, 4], report.Settings.Select(s => s.Fetchers));
        Assert.Equal(runs.Count, report.Runs.Count);
        Assert.Same(Info, report.Info);
    }

    [Fact]
    public void Build_MedianSpeedupAndEfficiency()
    {
        var report = ExperimentReport.Build(StandardRuns(), Info);
        var (one, two, four) = (report.Settings[0], report.Settings[1], report.Settings[2]);

        Assert.Equal(11, one.MedianSeconds);
        Assert.Equal(1, one.Speedup);
        Assert.Equal(1, one.Efficiency);

        Assert.Equal(5.5, two.MedianSeconds); // the failed 40 s run is left out
        Assert.Equal(2.0, two.Speedup!.Value, 9);
        Assert.Equal(1.0, two.Efficiency!.Value, 9);

        Assert.Equal(3.25, four.MedianSeconds);
        Assert.Equal(11 / 3.25, four.Speedup!.Value, 9);
        Assert.Equal(11 / 3.25 / 4, four.Efficiency!.Value, 9);
    }

    [Fact]
    public void Build_FailedRuns_AreCountedButNotInTheMedian()
    {
        var two = ExperimentReport.Build(StandardRuns(), Info).Settings[1];

        Assert.Equal(2, two.Succeeded);
        Assert.Equal(3, two.Runs);
        Assert.Equal([6, 5, 40], two.RunSeconds);
        Assert.Equal(150, two.Requests);
    }

    [Fact]
    public void Build_CountersAreMediansOfSucceededRuns()
    {
        var report = ExperimentReport.Build(StandardRuns(), Info);
        var (one, two, four) = (report.Settings[0], report.Settings[1], report.Settings[2]);

        Assert.Equal(130, one.Requests);
        Assert.Equal(2, one.MinusOneReplies);
        Assert.Equal(4, one.Duplicates);
        Assert.Equal(6, two.Duplicates); // (4 + (6 + 2 at the collection)) / 2
        Assert.Equal(250, four.Requests);
    }

    [Fact]
    public void Build_SettingWithEveryRunFailed_HasNoMedianOrSpeedup()
    {
        var report = ExperimentReport.Build([Run(1, 10), Run(3, 20, ok: false), Run(3, 30, ok: false)], Info);
        var three = report.Settings[1];

        Assert.Null(three.MedianSeconds);
        Assert.Null(three.Speedup);
        Assert.Null(three.Efficiency);
        Assert.Equal(0, three.Requests);
        Assert.Equal(0, three.Succeeded);
        Assert.Equal(2, three.Runs);
    }

    [Fact]
    public void Build_WithoutAOneFetcherSetting_HasNoSpeedup()
    {
        var report = ExperimentReport.Build([Run(2, 6), Run(4, 3), Run(4, 5)], Info);

        Assert.Equal([6.0, 4.0], report.Settings.Select(s => s.MedianSeconds!.Value));
        Assert.All(report.Settings, s => Assert.Null(s.Speedup));
        Assert.All(report.Settings, s => Assert.Null(s.Efficiency));
    }

    [Fact]
    public void Build_WhenEveryOneFetcherRunFailed_HasNoSpeedup()
    {
        var report = ExperimentReport.Build([Run(1, 6, ok: false), Run(2, 3)], Info);

        Assert.All(report.Settings, s => Assert.Null(s.Speedup));
        Assert.Equal(3, report.Settings[1].MedianSeconds);
    }

    [Fact]
    public void Succeeded_NeedsEveryLineCorrect()
    {
        Assert.True(Run(1, 1).Succeeded);
        Assert.False(Run(1, 1, ok: false).Succeeded);
        Assert.False(Run(1, 1, submit: new SubmitOutcome { Success = true, Reply = "", Correct = Lines - 1, Incorrect = 1 }).Succeeded);
        Assert.False(Run(1, 1, submit: new SubmitOutcome { Success = true, Reply = "", Correct = Lines - 1 }).Succeeded);
        Assert.False(Run(1, 1, submit: new SubmitOutcome { Success = false, Reply = "SUBMIT FAILED: x - READING ERROR" }).Succeeded);
        Assert.False(Run(1, 1, phase: DownloadPhase.Submitting).Succeeded);
    }

    [Fact]
    public void WriteTable_ShowsEverySetting_AndFailures()
    {
        var output = new StringWriter();

        ExperimentReport.Build(StandardRuns(), Info).WriteTable(output);

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.TrimStart().Length > 0 && char.IsDigit(l.TrimStart()[0])).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("(1 failed)", rows[1]);
        Assert.Contains("11.00", rows[0]);
        Assert.Contains("5.50", rows[1]);
        Assert.Contains("2.00", rows[1]);
    }

    [Fact]
    public void WriteFiles_WritesTheFourFiles()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orleansdist-unit-" + Guid.NewGuid().ToString("N"), "nested");
        try
        {
            var files = ExperimentReport.Build(StandardRuns(), Info).WriteFiles(directory);

            Assert.Equal(
                ["results.json", "results.csv", "time-vs-fetchers.svg", "lines-over-time.svg"],
                files.Select(Path.GetFileName));
            Assert.All(files, f => Assert.Equal(Path.GetFullPath(directory), Path.GetDirectoryName(Path.GetFullPath(f))));
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, f));

            CheckJson(File.ReadAllText(Path.Combine(directory, "results.json")));
            CheckCsv(File.ReadAllLines(Path.Combine(directory, "results.csv")));

            var time = XDocument.Load(Path.Combine(directory, "time-vs-fetchers.svg"));
            Assert.Equal(["measured (median)", "ideal T1 / n"], time.Descendants(Svg + "polyline").Select(p => p.Attribute("data-name")?.Value));
            Assert.Equal(3, time.Descendants(Svg + "circle").Count());

            var lines = XDocument.Load(Path.Combine(directory, "lines-over-time.svg"));
            Assert.Equal(["1 fetcher", "2 fetchers", "4 fetchers"], lines.Descendants(Svg + "polyline").Select(p => p.Attribute("data-name")?.Value));
            Assert.All(lines.Descendants(Svg + "polyline"), p => Assert.Equal(Lines + 1, p.Attribute("points")!.Value.Split(' ').Length));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }

    private static void CheckJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("download", root.GetProperty("experiment").GetString());
        Assert.Equal("127.0.0.1:9000", root.GetProperty("server").GetString());
        Assert.Equal(Lines, root.GetProperty("lines").GetInt32());
        Assert.Equal(100, root.GetProperty("rate_per_session").GetDouble());
        Assert.Equal(3, root.GetProperty("repeat").GetInt32());
        Assert.Equal(10, root.GetProperty("runs").GetArrayLength());

        var settings = root.GetProperty("settings").EnumerateArray().ToList();
        Assert.Equal(3, settings.Count);
        foreach (var setting in settings)
        {
            foreach (var name in new[] { "fetchers", "median_seconds", "speedup", "efficiency", "requests", "duplicates", "minus_one_replies", "run_seconds", "succeeded", "runs" })
            {
                Assert.True(setting.TryGetProperty(name, out _), $"settings entry lacks \"{name}\": {setting}");
            }

            Assert.DoesNotContain(setting.EnumerateObject(), p => p.Name.Any(char.IsUpper));
        }

        var four = settings[2];
        Assert.Equal(4, four.GetProperty("fetchers").GetInt32());
        Assert.Equal(3.25, four.GetProperty("median_seconds").GetDouble());
        Assert.Equal(Math.Round(11 / 3.25, 3), four.GetProperty("speedup").GetDouble());
        Assert.Equal(Math.Round(11 / 3.25 / 4, 3), four.GetProperty("efficiency").GetDouble());
        Assert.Equal(250, four.GetProperty("requests").GetInt64());
        Assert.Equal(4, four.GetProperty("duplicates").GetInt64());
        Assert.Equal(10, four.GetProperty("minus_one_replies").GetInt64());

        var two = settings[1];
        Assert.Equal(2, two.GetProperty("succeeded").GetInt32());
        Assert.Equal(3, two.GetProperty("runs").GetInt32());
        Assert.Equal([6.0, 5.0, 40.0], two.GetProperty("run_seconds").EnumerateArray().Select(e => e.GetDouble()));
    }

    private static void CheckCsv(string[] lines)
    {
        // draws_per_second and draw_rate_efficiency stay empty: these runs carry no throttled draws
        Assert.Equal("fetchers,median_seconds,speedup,efficiency,draws_per_second,draw_rate_efficiency,requests,duplicates,minus_one_replies,succeeded,runs,run_seconds", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal("1,11,1,1,,,130,4,2,3,3,12;10;11", lines[1]);
        Assert.Equal("2,5.5,2,1,,,150,6,10,2,3,6;5;40", lines[2]);
        Assert.StartsWith("4,3.25,3.385,0.846,,,250,4,10,4,4,", lines[3]);
    }

    [Fact]
    public void WriteFiles_WithoutAOneFetcherSetting_LeavesSpeedupOut()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orleansdist-unit-" + Guid.NewGuid().ToString("N"));
        try
        {
            ExperimentReport.Build([Run(2, 6), Run(3, 4, ok: false)], Info).WriteFiles(directory);

            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
            foreach (var setting in doc.RootElement.GetProperty("settings").EnumerateArray())
            {
                Assert.True(!setting.TryGetProperty("speedup", out var speedup) || speedup.ValueKind == JsonValueKind.Null);
                Assert.True(setting.TryGetProperty("minus_one_replies", out _));
            }

            Assert.Equal("2,6,,,,,150,4,10,1,1,6", File.ReadAllLines(Path.Combine(directory, "results.csv"))[1]);
            var time = XDocument.Load(Path.Combine(directory, "time-vs-fetchers.svg"));
            Assert.Equal("measured (median)", Assert.Single(time.Descendants(Svg + "polyline")).Attribute("data-name")?.Value);
            var lines = XDocument.Load(Path.Combine(directory, "lines-over-time.svg"));
            Assert.Equal("2 fetchers", Assert.Single(lines.Descendants(Svg + "polyline")).Attribute("data-name")?.Value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WriteFiles_WithEveryRunFailed_StillWritesParsableFiles()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orleansdist-unit-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = ExperimentReport.Build([Run(1, 6, ok: false), Run(2, 4, ok: false)], Info).WriteFiles(directory);

            Assert.Equal(4, files.Count);
            Assert.Empty(XDocument.Load(files[2]).Descendants(Svg + "polyline"));
            Assert.Empty(XDocument.Load(files[3]).Descendants(Svg + "polyline"));
            using var doc = JsonDocument.Parse(File.ReadAllText(files[0]));
            Assert.Equal(2, doc.RootElement.GetProperty("settings").GetArrayLength());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
