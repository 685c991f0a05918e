using Orleans.Concurrency;

namespace Dist.GrainInterfaces.Clocks;

/// <summary>
/// A simulated hardware clock (an institute's production-line clock, a time server, ...), keyed by its name within a
/// system (<c>"run-1/KMC"</c>). Its settings and every adjustment are persisted, so it survives its silo.
/// </summary>
[Alias("OrleansDist.IClockGrain")]
public interface IClockGrain : IGrainWithStringKey
{
    /// <summary>Sets the clock up afresh: skew, drift, lie; forgets earlier adjustments.</summary>
    [Alias("Configure")]
    Task<ClockStatus> Configure(ClockSettings settings);

    /// <summary>What the clock shows now (a liar's is off by its lie).</summary>
    [AlwaysInterleave]
    [Alias("Read")]
    Task<ClockReading> Read();

    /// <summary>Applies (or, when faulty, records) a correction.</summary>
    [Alias("Adjust")]
    Task<AdjustOutcome> Adjust(ClockCorrection correction);

    [AlwaysInterleave]
    [Alias("Inspect")]
    Task<ClockStatus> Inspect();

    /// <summary>
    /// Cristian's algorithm with the clock <paramref name="serverKey"/> as time server: <paramref name="samples"/>
    /// requests, the one with the smallest round trip kept, the clock set to server time + RTT/2.
    /// </summary>
    [Alias("SyncWithCristian")]
    Task<CristianResult> SyncWithCristian(string serverKey, int samples);
}
