namespace OrleansDist.Runtime.Membership;

/// <summary>One row of the membership table: one silo process.</summary>
public sealed class MembershipEntry
{
    public required SiloAddress SiloAddress { get; init; }

    public SiloStatus Status { get; set; }

    public required string SiloName { get; init; }

    public required string HostName { get; init; }

    /// <summary>Gateway (client) port; 0 when the silo is no gateway.</summary>
    public int ProxyPort { get; init; }

    /// <summary>Suspicion votes: who suspected this silo, and when.</summary>
    public List<SuspectVote> SuspectTimes { get; init; } = [];

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; set; }

    public MembershipEntry Copy() => new()
    {
        SiloAddress = SiloAddress,
        Status = Status,
        SiloName = SiloName,
        HostName = HostName,
        ProxyPort = ProxyPort,
        SuspectTimes = [.. SuspectTimes],
        StartTime = StartTime,
        IAmAliveTime = IAmAliveTime,
    };

    public override string ToString() => $"{SiloName} {SiloAddress} {Status}";
}

public sealed record SuspectVote(SiloAddress Suspecter, DateTimeOffset Time);
