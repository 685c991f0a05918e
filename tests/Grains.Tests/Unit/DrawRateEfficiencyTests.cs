using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Client.Download;

namespace OrleansDist.Grains.Tests.Unit;

/// <summary>
/// The draw-rate efficiency compares steady draw rates (line-carrying replies per second after each fetcher's first -1),
/// so neither the token bucket's initial burst nor how many draws a download happened to need moves it.
/// </summary>
public sealed class DrawRateEfficiencyTests
{
    private static readonly ExperimentReport.ExperimentInfo Info =
        new("127.0.0.1:9000", 300, Rate: 200, Repeat: 1, Cluster: "2 silos", StartedAt: DateTimeOffset.UnixEpoch);

    private static int _ids;

    /// <summary>A download whose fetchers each drew <paramref name="burst"/> lines at once, then <paramref name="rate"/> a second.</summary>
    private static DownloadResult Download(int fetchers, int burst, double rate, double steadySeconds) => new()
    {
        DownloadId = $"d{Interlocked.Increment(ref _ids)}",
        Fetchers = fetchers,
        Lines = 300,
        Seconds = steadySeconds + 0.01,
        Status = new DownloadStatus
        {
            DownloadId = "x",
            Phase = DownloadPhase.Submitted,
            Submit = new SubmitOutcome { Success = true, Reply = "SUBMIT SUCCESS", Correct = 300, LinesRead = 300 },
            Fetchers = [.. Enumerable.Range(0, fetchers).Select(i => new FetcherProgress
            {
                Index = i,
                LinesReceived = burst + (long)(rate * steadySeconds),
                ThrottledDraws = (long)(rate * steadySeconds),
                ThrottledMicroseconds = (long)(steadySeconds * 1e6),
            })],
        },
    };

    [Fact]
    public void SteadyDrawRate_SumsEachFetchersRateAfterItsBurst()
    {
        var download = Download(fetchers: 4, burst: 200, rate: 200, steadySeconds: 1.5);

        Assert.Equal(800, download.SteadyDrawRate!.Value, precision: 6);
    }

    [Fact]
    public void SteadyDrawRate_IsNullWhenNoFetcherWasEverThrottled()
    {
        var download = Download(fetchers: 2, burst: 300, rate: 0, steadySeconds: 0);

        Assert.Null(download.SteadyDrawRate);
    }

    [Fact]
    public void BurstInflatesTimeEfficiencyButNotDrawRateEfficiency()
    {
        // 1,880 draws needed either way; each session starts with 200 free ones (burst = rate = 200/s)
        var one = Download(fetchers: 1, burst: 200, rate: 200, steadySeconds: (1880 - 200) / 200.0);
        var four = Download(fetchers: 4, burst: 200, rate: 200, steadySeconds: (1880 - 800) / 800.0);

        var report = ExperimentReport.Build([one, four], Info);
        var setting = report.Settings.Single(s => s.Fetchers == 4);

        Assert.True(setting.Efficiency > 1.5, $"time efficiency {setting.Efficiency} should show the burst artifact");
        Assert.Equal(1.0, setting.DrawRateEfficiency!.Value, precision: 3);
        Assert.Equal(800, setting.DrawRate!.Value, precision: 1);
    }

    [Fact]
    public void DrawRateEfficiencyIsInTheJsonAndTheTable()
    {
        var report = ExperimentReport.Build([Download(1, 10, 100, 5), Download(2, 10, 90, 3)], Info);

        var json = System.Text.Json.JsonSerializer.Serialize(report.ToJson(), ExperimentReport.JsonOptions);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var two = document.RootElement.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("fetchers").GetInt32() == 2);
        Assert.Equal(0.9, two.GetProperty("draw_rate_efficiency").GetDouble(), precision: 3);

        using var table = new StringWriter();
        report.WriteTable(table);
        Assert.Contains("draw-rate eff.", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("0.90", table.ToString(), StringComparison.Ordinal);
    }
}
