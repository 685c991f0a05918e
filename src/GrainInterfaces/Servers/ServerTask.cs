namespace Dist.GrainInterfaces.Servers;

/// <summary>One task a client sent: its text, and how long and in what way the server works on it.</summary>
[GenerateSerializer]
[Alias("OrleansDist.ServerTask")]
public sealed record ServerTask(
    [property: Id(0)] string Text,
    [property: Id(1)] int DurationMs,
    [property: Id(2)] ServerWorkKind Work);
