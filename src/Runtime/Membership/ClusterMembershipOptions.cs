using System.ComponentModel.DataAnnotations;

namespace OrleansDist.Runtime.Membership;

/// <summary>
/// Failure detection and table upkeep. Defaults follow Orleans (a crashed silo is declared dead in 10–20 s);
/// <see cref="UseFastProfile"/> is for tests (about 3 s).
/// </summary>
public sealed class ClusterMembershipOptions
{
    /// <summary>Period of the probes each silo sends to a few others, and the time a probe may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes in a row before the prober votes the silo suspect.</summary>
    [Range(1, 100)]
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>How many other silos each silo probes.</summary>
    [Range(1, 100)]
    public int NumProbedSilos { get; set; } = 3;

    /// <summary>Fresh suspicion votes needed to declare a silo dead (or half the active silos, if fewer).</summary>
    [Range(1, 100)]
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Votes older than this no longer count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often a silo writes its IAmAlive time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A row whose IAmAlive is older than this many periods is judged dead (covers silos nobody probes, e.g. after a whole-cluster crash).</summary>
    [Range(2, 1000)]
    public int NumMissedTableIAmAliveLimit { get; set; } = 3;

    /// <summary>How often the table is read even without a change notification.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Dead rows older than this are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest wait between retries when the table cannot be reached (start-up and upkeep back off up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a silo keeps trying to join before giving up; infinite by default.</summary>
    public TimeSpan MaxJoinTime { get; set; } = Timeout.InfiniteTimeSpan;

    public TimeSpan IAmAliveExpiry => IAmAlivePeriod * NumMissedTableIAmAliveLimit;

    /// <summary>Settings for tests: dead in about 3 s.</summary>
    public ClusterMembershipOptions UseFastProfile()
    {
        ProbeTimeout = TimeSpan.FromMilliseconds(750);
        NumMissedProbesLimit = 3;
        IAmAlivePeriod = TimeSpan.FromSeconds(1);
        TableRefreshPeriod = TimeSpan.FromMilliseconds(500);
        DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
        MaxRetryBackoff = TimeSpan.FromSeconds(1);
        return this;
    }
}
