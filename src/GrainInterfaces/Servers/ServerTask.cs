namespace Dist.GrainInterfaces.Servers;

/// <summary>
/// One task a client sent: its text, how long and in what way the server works on it, and which of the front end's
/// connections sent it (a session grain serves one connection at a time, and connection after connection).
/// </summary>
[GenerateSerializer]
[Alias("OrleansDist.ServerTask")]
public sealed record ServerTask(
    [property: Id(0)] string Text,
    [property: Id(1)] int DurationMs,
    [property: Id(2)] ServerWorkKind Work,
    [property: Id(3)] long Connection = 0);
