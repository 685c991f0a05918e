using Orleans.Concurrency;
using Orleans.Runtime.Placement;

namespace OrleansDist.Bench;

/// <summary>Where a grain activation runs: the silo's name and its address (<see cref="Grain.RuntimeIdentity"/>).</summary>
[GenerateSerializer]
[Alias("OrleansDist.Bench.GrainLocation")]
public sealed record GrainLocation([property: Id(0)] string SiloName, [property: Id(1)] string RuntimeIdentity)
{
    public override string ToString() => $"{SiloName} ({RuntimeIdentity})";
}

/// <summary>Bytes on the wire of the Echo messages between the silos, as Orleans' own messaging instruments counted them.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Bench.WireSizes")]
public sealed record WireSizes([property: Id(0)] int RequestBytes, [property: Id(1)] int ResponseBytes, [property: Id(2)] int Samples);

[Alias("OrleansDist.Bench.IBenchEchoGrain")]
public interface IBenchEchoGrain : IGrainWithIntegerKey
{
    [Alias("Echo")]
    Task<byte[]> Echo(byte[] payload);

    [Alias("WhereAmI")]
    Task<GrainLocation> WhereAmI();

    /// <summary>Echo calls served by all echo grains of this silo process so far (a cross-check of the callers' counts).</summary>
    [Alias("ServedInProcess")]
    Task<long> ServedInProcess();

    /// <summary>Deactivates this activation (used when a pinned first call landed on the wrong silo).</summary>
    [Alias("Deactivate")]
    Task Deactivate();

    /// <summary>Starts (true) or stops (false) counting the sizes of the messages this silo process receives and sends.</summary>
    [Alias("WireProbe")]
    Task<WireSizes?> WireProbe(bool start);
}

/// <summary>Returns its argument. Reentrant, so pipelined calls are not serialized by the mailbox.</summary>
[Reentrant]
public sealed class BenchEchoGrain(ILocalSiloDetails silo) : Grain, IBenchEchoGrain
{
    private static long s_served;

    public Task<byte[]> Echo(byte[] payload)
    {
        Interlocked.Increment(ref s_served);
        return Task.FromResult(payload);
    }

    public Task<long> ServedInProcess() => Task.FromResult(Interlocked.Read(ref s_served));

    public Task<GrainLocation> WhereAmI() => Task.FromResult(new GrainLocation(silo.Name, RuntimeIdentity));

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<WireSizes?> WireProbe(bool start) => Task.FromResult(start ? WireSizeProbe.Start() : WireSizeProbe.Stop());
}

[Alias("OrleansDist.Bench.IBenchDriverGrain")]
public interface IBenchDriverGrain : IGrainWithIntegerKey
{
    /// <summary>Activates echo grains <paramref name="firstKey"/>.. pinned to <paramref name="silo"/>; returns where each one runs.</summary>
    [Alias("Prepare")]
    Task<GrainLocation[]> Prepare(SiloAddress silo, long firstKey, int count);

    /// <summary>Warm-up: sequential calls, then a short pipelined burst at <paramref name="concurrency"/>.</summary>
    [Alias("Warmup")]
    Task Warmup(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings);

    /// <summary>Sequential calls to one echo grain; the per-call times (µs) measured here, on the calling silo.</summary>
    [Alias("MeasureLatency")]
    Task<LatencySamples> MeasureLatency(long echoKey, int payloadBytes, int calls, double maxSeconds);

    [Alias("MeasurePipelined")]
    Task<RunSummary> MeasurePipelined(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings);

    /// <summary><paramref name="calls"/> sequential Echo calls while the echo grain's silo counts the message sizes.</summary>
    [Alias("ProbeWireSizes")]
    Task<WireSizes?> ProbeWireSizes(long echoKey, int payloadBytes, int calls);

    [Alias("WhereAmI")]
    Task<GrainLocation> WhereAmI();

    [Alias("Deactivate")]
    Task Deactivate();
}

/// <summary>Runs the grain-to-grain measurements from inside a silo: every call it makes goes to another silo process.</summary>
public sealed class BenchDriverGrain(ILocalSiloDetails silo) : Grain, IBenchDriverGrain
{
    public async Task<GrainLocation[]> Prepare(SiloAddress target, long firstKey, int count)
    {
        var where = new GrainLocation[count];
        for (var i = 0; i < count; i++)
        {
            where[i] = await Pinning.PlaceAsync(target, GrainFactory.GetGrain<IBenchEchoGrain>(firstKey + i));
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
        samples.MeasuredOn = silo.Name;
        return samples;
    }

    public async Task<RunSummary> MeasurePipelined(long firstEchoKey, int echoCount, int payloadBytes, int concurrency, MeasureSettings settings)
    {
        var echoes = Echoes(firstEchoKey, echoCount);
        var payload = new byte[payloadBytes];
        var summary = await Measure.PipelinedAsync(w => echoes[w % echoes.Length].Echo(payload), concurrency, settings);
        summary.MeasuredOn = silo.Name;
        return summary;
    }

    public async Task<WireSizes?> ProbeWireSizes(long echoKey, int payloadBytes, int calls)
    {
        var echo = GrainFactory.GetGrain<IBenchEchoGrain>(echoKey);
        var payload = new byte[payloadBytes];
        await echo.WireProbe(start: true);
        for (var i = 0; i < calls; i++)
        {
            await echo.Echo(payload);
        }

        // the stop call's own request is counted too: among many more Echo calls it does not change the most common size
        return await echo.WireProbe(start: false);
    }

    public Task<GrainLocation> WhereAmI() => Task.FromResult(new GrainLocation(silo.Name, RuntimeIdentity));

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private IBenchEchoGrain[] Echoes(long firstKey, int count) =>
        [.. Enumerable.Range(0, count).Select(i => GrainFactory.GetGrain<IBenchEchoGrain>(firstKey + i))];
}

internal static class Pinning
{
    /// <summary>
    /// Makes a grain's first call with a placement hint (<see cref="IPlacementDirector.PlacementHintKey"/>) for
    /// <paramref name="silo"/>, so it activates there, and checks where it did. Orleans ignores a hint for a silo the
    /// placing silo does not (yet) know as active: then the stray activation is deactivated and the pin retried.
    /// Returns where the grain runs.
    /// </summary>
    public static async Task<GrainLocation> PlaceAsync(SiloAddress silo, IBenchEchoGrain grain) =>
        await PlaceAsync(silo, grain.WhereAmI, grain.Deactivate);

    public static async Task<GrainLocation> PlaceAsync(SiloAddress silo, Func<Task<GrainLocation>> whereAmI, Func<Task>? deactivate)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var expected = silo.ToString();
        while (true)
        {
            GrainLocation where;
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            try
            {
                where = await whereAmI();
            }
            finally
            {
                // later calls must not carry the hint (nor its bytes on the wire)
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }

            if (where.RuntimeIdentity == expected || deactivate is null || DateTime.UtcNow >= deadline)
            {
                return where;
            }

            await deactivate();
            await Task.Delay(250);
        }
    }
}
