namespace Dist.GrainInterfaces.Clocks;

/// <summary>One Cristian request: the server's reading and the round trip measured on the client's clock.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.CristianSample")]
public sealed record CristianSample([property: Id(0)] double RoundTripMs, [property: Id(1)] double OffsetEstimateMs);

/// <summary>
/// A Cristian synchronisation of one clock grain with a time-server clock grain: every sample, the one kept (smallest
/// round trip), the correction applied (a step: Cristian sets the clock), the bound ±RTT/2 and the true error.
/// </summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.CristianResult")]
public sealed record CristianResult
{
    [Id(0)] public required CristianSample[] Samples { get; init; }

    [Id(1)] public int ChosenSample { get; init; }

    /// <summary>Server time + RTT/2 minus the client's reading when the reply came, ms: the step applied.</summary>
    [Id(2)] public double CorrectionMs { get; init; }

    /// <summary>±RTT/2 of the chosen sample, ms.</summary>
    [Id(3)] public double BoundMs { get; init; }

    /// <summary>
    /// After the step: the client's clock minus the server's clock at the same real instant, ms (both offsets are taken
    /// against the host's real time, which all silos on one host share).
    /// </summary>
    [Id(4)] public double TrueErrorMs { get; init; }

    [Id(5)] public double ClientOffsetBeforeMs { get; init; }

    [Id(6)] public double ClientOffsetAfterMs { get; init; }

    [Id(7)] public double ServerOffsetMs { get; init; }

    [Id(8)] public required string ClientSilo { get; init; }

    [Id(9)] public required string ServerSilo { get; init; }
}
