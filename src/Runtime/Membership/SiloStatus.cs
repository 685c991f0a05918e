namespace OrleansDist.Runtime.Membership;

/// <summary>Status of a silo in the membership table; numbers match Orleans' table so the rows read the same.</summary>
public enum SiloStatus
{
    None = 0,
    Created = 1,
    Joining = 2,
    Active = 3,
    ShuttingDown = 4,
    Stopping = 5,
    Dead = 6,
}

public static class SiloStatusExtensions
{
    /// <summary>A silo that may still accept messages.</summary>
    public static bool IsUsable(this SiloStatus status) => status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping;

    public static bool IsTerminating(this SiloStatus status) => status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead;
}
