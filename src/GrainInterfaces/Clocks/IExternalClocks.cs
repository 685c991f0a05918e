namespace Dist.GrainInterfaces.Clocks;

/// <summary>A clock outside the cluster (a TCP slave of <c>clock serve</c>) as the master sees it when it polls.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.ExternalReading")]
public sealed record ExternalReading
{
    [Id(0)] public required string Name { get; init; }

    /// <summary>The slave's clock now, as estimated by the endpoint: its last report plus the time since it arrived.</summary>
    [Id(1)] public long EstimatedUnixTicks { get; init; }

    /// <summary>That estimate minus the endpoint host's real time, seconds.</summary>
    [Id(2)] public double TrueOffsetSeconds { get; init; }
}

/// <summary>
/// Clocks that live outside the cluster, behind an observer the master polls beside its grains (the <c>clock serve</c>
/// process and its TCP slaves).
/// </summary>
[Alias("OrleansDist.IExternalClocks")]
public interface IExternalClocks : IGrainObserver
{
    [Alias("Read")]
    Task<ExternalReading[]> Read();

    /// <summary>Tells the slave <paramref name="name"/> its correction (the endpoint turns it into the time its clock should read).</summary>
    [Alias("Correct")]
    Task Correct(string name, double deltaSeconds, int round);
}
