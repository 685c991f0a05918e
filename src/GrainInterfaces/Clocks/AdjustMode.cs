namespace Dist.GrainInterfaces.Clocks;

/// <summary>How a correction is applied to a clock.</summary>
[GenerateSerializer]
[Alias("OrleansDist.Clocks.AdjustMode")]
public enum AdjustMode
{
    /// <summary>Slewed at a bounded rate, stepped when at least the clock's step threshold (the default, as NTP).</summary>
    Auto = 0,

    /// <summary>Always slewed, however large.</summary>
    Slew = 1,

    /// <summary>Set at once.</summary>
    Step = 2,
}
