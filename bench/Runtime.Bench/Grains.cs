using OrleansDist.Concurrency;
using OrleansDist.Placement;

namespace OrleansDist.Bench;

public interface IBenchEchoGrain : IGrainWithIntegerKey
{
    Task<byte[]> Echo(byte[] payload);

    Task<string> WhereAmI();

    /// <summary>Echo calls served by all echo grains of this silo process so far (a cross-check of the callers' counts).</summary>
    Task<long> ServedInProcess();
}

/// <summary>Returns its argument. Reentrant, so pipelined calls are not serialized by the mailbox.</summary>
[Reentrant]
public sealed class BenchEchoGrain : Grain, IBenchEchoGrain
{
    private static long s_served;

    public Task<byte[]> Echo(byte[] payload)
    {
        Interlocked.Increment(ref s_served);
        return Task.FromResult(payload);
    }

    public Task<long> ServedInProcess() => Task.FromResult(Interlocked.Read(ref s_served));

    public Task<string> WhereAmI() => Task.FromResult(GrainContext.SiloName);
}

public interface IBenchDriverGrain : IGrainWithIntegerKey
{
    /// <summary>Activates echo grains <paramref name="firstKey"/>.. pinned to <paramref name="siloName"/>; returns where each one lives.</summary>
    Task<string[]> Prepare(string siloName, long firstKey, int count);

    /// <summary>Warm-up: sequential calls, then a short pipelined burst at <paramref name="concurrency"/>.</summary>
    Task Warmup(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings);

    /// <summary>Sequential calls to one echo grain; the per-call times (µs) measured here, on the calling silo.</summary>
    Task<LatencySamples> MeasureLatency(long echoKey, int payloadBytes, int calls, double maxSeconds);

    Task<RunSummary> MeasurePipelined(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings);

    Task<string> WhereAmI();
}

/// <summary>Runs the grain-to-grain measurements from inside a silo: every call it makes goes to another silo process.</summary>
public sealed class BenchDriverGrain : Grain, IBenchDriverGrain
{
    public async Task<string[]> Prepare(string siloName, long firstKey, int count)
    {
        var where = new string[count];
        for (var i = 0; i < count; i++)
        {
            where[i] = await Pinning.PlaceAsync(siloName, GrainFactory.GetGrain<IBenchEchoGrain>(firstKey + i).WhereAmI);
        }

        return where;
    }

    public Task Warmup(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings)
    {
        var echoes = Echoes(firstEchoKey, echoCount);
        var payload = new byte[payloadBytes];
        return Measure.WarmupAsync(() => echoes[0].Echo(payload), burst => Measure.PipelinedAsync(w => echoes[w % echoes.Length].Echo(payload), concurrency, burst), settings);
    }

    public async Task<LatencySamples> MeasureLatency(long echoKey, int payloadBytes, int calls, double maxSeconds)
    {
        var echo = GrainFactory.GetGrain<IBenchEchoGrain>(echoKey);
        var payload = new byte[payloadBytes];
        var samples = await Measure.LatencyAsync(() => echo.Echo(payload), calls, maxSeconds);
        samples.MeasuredOn = GrainContext.SiloName;
        return samples;
    }

    public Task<RunSummary> MeasurePipelined(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings)
    {
        var echoes = Echoes(firstEchoKey, echoCount);
        var payload = new byte[payloadBytes];
        return Tag(Measure.PipelinedAsync(w => echoes[w % echoes.Length].Echo(payload), concurrency, settings));
    }

    public Task<string> WhereAmI() => Task.FromResult(GrainContext.SiloName);

    private IBenchEchoGrain[] Echoes(long firstKey, int count) =>
        [.. Enumerable.Range(0, count).Select(i => GrainFactory.GetGrain<IBenchEchoGrain>(firstKey + i))];

    private async Task<RunSummary> Tag(Task<RunSummary> run)
    {
        var summary = await run;
        summary.MeasuredOn = GrainContext.SiloName;
        return summary;
    }
}

internal static class Pinning
{
    /// <summary>
    /// Makes a grain's first call under a placement pin, so it activates on <paramref name="siloName"/>; retried while the
    /// calling silo has not yet seen that silo become active. Returns the silo the grain reports.
    /// </summary>
    public static async Task<string> PlaceAsync(string siloName, Func<Task<string>> whereAmI)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using (PlacementHint.PinToSilo(siloName))
                {
                    return await whereAmI();
                }
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("no active silo", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
