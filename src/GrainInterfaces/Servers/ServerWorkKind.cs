namespace Dist.GrainInterfaces.Servers;

/// <summary>What a task does for its duration.</summary>
[GenerateSerializer]
[Alias("OrleansDist.ServerWorkKind")]
public enum ServerWorkKind
{
    /// <summary>Waits (a timer): the task holds no CPU, like a call to a slow disk or service.</summary>
    Io = 0,

    /// <summary>Burns the CPU until its own thread has used the task's duration of CPU time.</summary>
    Cpu = 1,
}
