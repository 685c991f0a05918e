using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Telemetry;
using OrleansDist.TestingHost;

namespace OrleansDist.Tests;

/// <summary>
/// Records the spans (every source, all sampled) and the measurements of the OrleansDist meter made while it is alive.
/// Other tests run in parallel in this process: callers pick out their own data by trace id, silo name or client id.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters;

    public TelemetryCapture()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RuntimeTelemetry.ApplicationSourceName or RuntimeTelemetry.RuntimeSourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Add,
        };
        ActivitySource.AddActivityListener(_spans);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RuntimeTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measurements.Add(new Measured(instrument.Name, value, ToDictionary(tags))));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measurements.Add(new Measured(instrument.Name, value, ToDictionary(tags))));
        _meters.Start();
    }

    public const string TestSourceName = "OrleansDist.Tests";

    public static ActivitySource TestSource { get; } = new(TestSourceName);

    public ConcurrentBag<Activity> Spans { get; } = [];

    public ConcurrentBag<Measured> Measurements { get; } = [];

    /// <summary>Measurements of one instrument whose tags include all of <paramref name="tags"/>.</summary>
    public List<Measured> Of(string instrument, params (string Key, object? Value)[] tags) =>
        [.. Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))];

    public double Sum(string instrument, params (string Key, object? Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    /// <summary>Waits until a condition on the data holds (measurements made after a flush or on another thread lag a little).</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// A cluster whose silos are named <paramref name="prefix"/> + silo0, silo1, ...: TestClusters running in parallel all
    /// call theirs silo0, silo1, and the <c>orleansdist.silo</c> tag must tell this test's silos apart.
    /// </summary>
    public static TestClusterBuilder ClusterBuilder(int silos, string prefix) =>
        new TestClusterBuilder(silos).ConfigureSilo(silo => silo.Configure<SiloOptions>(o => o.SiloName = prefix + o.SiloName));

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + "-";

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(tags.Length);
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }

    public sealed record Measured(string Instrument, double Value, Dictionary<string, object?> Tags);
}
