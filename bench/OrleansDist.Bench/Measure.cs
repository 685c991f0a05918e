using System.Diagnostics;

namespace OrleansDist.Bench;

/// <summary>How long to warm up and measure; travels to the driver grain as a call argument.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Bench.MeasureSettings")]
public sealed class MeasureSettings
{
    [Id(0)]
    public int WarmupCalls;
    [Id(1)]
    public double WarmupSeconds;
    [Id(2)]
    public int LatencyCalls;
    [Id(3)]
    public double LatencyMaxSeconds;

    /// <summary>The sequential calls are split in rounds that alternate between the scenarios, so slow phases of the machine hit all alike.</summary>
    [Id(4)]
    public int LatencyRounds;
    [Id(5)]
    public double PipeWarmupSeconds;
    [Id(6)]
    public double PipeSeconds;

    public static MeasureSettings For(bool quick) => quick
        ? new MeasureSettings { WarmupCalls = 4000, WarmupSeconds = 1.5, LatencyCalls = 6000, LatencyMaxSeconds = 3, LatencyRounds = 3, PipeWarmupSeconds = 0.5, PipeSeconds = 1.2 }
        : new MeasureSettings { WarmupCalls = 30000, WarmupSeconds = 4.0, LatencyCalls = 50000, LatencyMaxSeconds = 20, LatencyRounds = 5, PipeWarmupSeconds = 1.5, PipeSeconds = 5.0 };
}

/// <summary>Result of one measured run: latency percentiles (µs) of the calls in the window, and their rate.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Bench.RunSummary")]
public sealed class RunSummary
{
    [Id(0)]
    public long Calls;
    [Id(1)]
    public double Seconds;
    [Id(2)]
    public double CallsPerSec;
    [Id(3)]
    public double P50Us;
    [Id(4)]
    public double P99Us;
    [Id(5)]
    public double MeanUs;
    [Id(6)]
    public double MaxUs;

    /// <summary>Where the measurement ran (silo name or "bench"), for the report.</summary>
    [Id(7)]
    public string? MeasuredOn;

    /// <summary>Summary of per-call times in microseconds (sorted in place), for <paramref name="calls"/> calls over <paramref name="seconds"/>.</summary>
    public static RunSummary FromSamples(double[] us, long calls, double seconds)
    {
        var summary = new RunSummary
        {
            Calls = calls,
            Seconds = seconds,
            CallsPerSec = seconds > 0 ? calls / seconds : 0,
        };
        if (us.Length > 0)
        {
            Array.Sort(us);
            summary.P50Us = Percentile(us, 0.50);
            summary.P99Us = Percentile(us, 0.99);
            summary.MaxUs = us[^1];
            summary.MeanUs = us.Average();
        }

        return summary;
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double ToUs(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Per-call round-trip times of a sequential run, in microseconds, and how long the run took.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Bench.LatencySamples")]
public sealed class LatencySamples
{
    [Id(0)]
    public double[] Us = [];
    [Id(1)]
    public double Seconds;

    /// <summary>Where the measurement ran (silo name), or null for the bench process.</summary>
    [Id(2)]
    public string? MeasuredOn;
}

/// <summary>The two measurement loops, shared by the bench process (client scenario) and the driver grain (cross-silo scenario).</summary>
public static class Measure
{
    /// <summary>
    /// Sequential calls until at least <see cref="MeasureSettings.WarmupCalls"/> calls and <see cref="MeasureSettings.WarmupSeconds"/> have passed
    /// (tiered JIT promotes hot code ~100 ms after it gets hot and compiles it in the background), then <paramref name="burst"/>,
    /// a short pipelined run, so the concurrent paths get compiled too.
    /// </summary>
    public static async Task WarmupAsync(Func<Task> call, Func<MeasureSettings, Task> burst, MeasureSettings settings)
    {
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(settings.WarmupSeconds * Stopwatch.Frequency);
        for (var i = 0; i < settings.WarmupCalls || Stopwatch.GetTimestamp() < warmupEnd; i++)
        {
            await call();
        }

        await burst(new MeasureSettings { PipeWarmupSeconds = settings.PipeWarmupSeconds, PipeSeconds = 0.05 });
    }

    /// <summary>Sequential calls, one at a time: the round-trip time of each, in microseconds.</summary>
    public static async Task<LatencySamples> LatencyAsync(Func<Task> call, int calls, double maxSeconds)
    {
        var samples = new double[calls];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(maxSeconds * Stopwatch.Frequency);
        var n = 0;
        while (n < samples.Length)
        {
            var t0 = Stopwatch.GetTimestamp();
            await call();
            var t1 = Stopwatch.GetTimestamp();
            samples[n++] = RunSummary.ToUs(t1 - t0);
            if (t1 >= end)
            {
                break;
            }
        }

        return new LatencySamples { Us = n == samples.Length ? samples : samples[..n], Seconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency };
    }

    /// <summary>
    /// Closed loop with <paramref name="concurrency"/> calls always in flight (each worker awaits its call, then issues the next).
    /// After the warm-up, the calls completed within a fixed window give the rate; their round-trip times give the percentiles.
    /// </summary>
    public static async Task<RunSummary> PipelinedAsync(Func<int, Task> call, int concurrency, MeasureSettings settings)
    {
        var state = new LoopState();
        var samples = new List<double>[concurrency];
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            samples[w] = new List<double>(1024);
            workers[w] = WorkerAsync(w);
        }

        await Task.Delay(TimeSpan.FromSeconds(settings.PipeWarmupSeconds));
        var c0 = Interlocked.Read(ref state.Completed);
        var t0 = Stopwatch.GetTimestamp();
        Volatile.Write(ref state.WindowStart, t0);
        await Task.Delay(TimeSpan.FromSeconds(settings.PipeSeconds));
        var t1 = Stopwatch.GetTimestamp();
        Volatile.Write(ref state.WindowEnd, t1);
        var c1 = Interlocked.Read(ref state.Completed);
        Volatile.Write(ref state.Stop, true);
        await Task.WhenAll(workers);

        return RunSummary.FromSamples([.. samples.SelectMany(s => s)], c1 - c0, (double)(t1 - t0) / Stopwatch.Frequency);

        async Task WorkerAsync(int worker)
        {
            var mine = samples[worker];
            while (!Volatile.Read(ref state.Stop))
            {
                var s = Stopwatch.GetTimestamp();
                await call(worker);
                var e = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref state.Completed);
                var windowStart = Volatile.Read(ref state.WindowStart);
                if (windowStart != 0 && s >= windowStart && Volatile.Read(ref state.WindowEnd) == 0)
                {
                    mine.Add(RunSummary.ToUs(e - s));
                }
            }
        }
    }

    private sealed class LoopState
    {
        public long Completed;
        public long WindowStart;
        public long WindowEnd;
        public bool Stop;
    }
}
