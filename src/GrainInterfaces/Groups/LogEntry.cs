namespace Dist.GrainInterfaces.Groups;

/// <summary>One delivered message in a member's log.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.LogEntry")]
public sealed class LogEntry
{
    /// <summary>1, 2, ... in delivery order.</summary>
    [Id(0)] public long Index { get; set; }

    [Id(1)] public GroupMessage Message { get; set; } = new();

    /// <summary>UTC ticks of the delivery (the log write).</summary>
    [Id(2)] public long DeliveredAtTicks { get; set; }
}
