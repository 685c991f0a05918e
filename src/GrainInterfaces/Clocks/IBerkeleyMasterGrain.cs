using Orleans.Concurrency;

namespace Dist.GrainInterfaces.Clocks;

/// <summary>
/// The master clock (the testing lab), keyed by the system's id; its clocks are the <see cref="IClockGrain"/>s
/// <c>"{id}/{name}"</c>. Each round runs on a grain timer: poll every clock with round-trip compensation, average the
/// readings within the threshold of the median, send each clock its own correction.
/// </summary>
[Alias("OrleansDist.IBerkeleyMasterGrain")]
public interface IBerkeleyMasterGrain : IGrainWithStringKey
{
    /// <summary>Configures the master and its clocks (each on its own silo where there are enough) and starts the rounds.</summary>
    [Alias("Start")]
    Task<BerkeleyStatus> Start(BerkeleyConfig config);

    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<BerkeleyStatus> GetStatus();

    /// <summary>The master's clock now (what the Cristian endpoint of <c>clock serve</c> hands out).</summary>
    [AlwaysInterleave]
    [Alias("ReadClock")]
    Task<ClockReading> ReadClock();

    /// <summary>Adds (or refreshes) a source of external clocks polled beside the grains until it stops answering.</summary>
    [AlwaysInterleave]
    [Alias("Subscribe")]
    Task Subscribe(IExternalClocks external);

    [Alias("Stop")]
    Task Stop();
}
