namespace Dist.GrainInterfaces.Groups;

/// <summary>Watches one member's deliveries live (<c>group watch M</c>).</summary>
[Alias("Dist.Groups.IMemberObserver")]
public interface IMemberObserver : IGrainObserver
{
    /// <summary>Entries just written to the member's log, in order.</summary>
    [Alias("Delivered")]
    Task Delivered(IReadOnlyList<LogEntry> entries);
}
