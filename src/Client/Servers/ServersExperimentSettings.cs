using System.Net;
using Dist.GrainInterfaces.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>What <c>experiment servers</c> runs.</summary>
internal sealed record ServersExperimentSettings
{
    public static readonly string[] AllDesigns = ["serial", "process", "thread", "async", "actor", "py-thread", "py-process"];

    public required IReadOnlyList<string> Designs { get; init; }

    /// <summary>
    /// A server already running elsewhere (e.g. silos with <c>--task-server-port</c> on other machines) to time instead of
    /// starting one; <see cref="Designs"/> then holds the one design it runs, as its label and model.
    /// </summary>
    public DnsEndPoint? Target { get; init; }

    public required IReadOnlyList<int> Clients { get; init; }

    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromSeconds(3);

    public ServerWorkKind Work { get; init; } = ServerWorkKind.Io;

    public int Repeat { get; init; } = 3;

    public int Workers { get; init; } = ServerRunSettings.DefaultWorkers;

    public int Silos { get; init; } = ServerRunSettings.DefaultSilos;

    public int Listeners { get; init; } = ServerRunSettings.DefaultListeners;

    /// <summary>A run the design's own model says takes longer (serial: N × T) is skipped and the table says so.</summary>
    public TimeSpan MaxRun { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The server is killed (and the run reported failed, with why) when the machine's available memory falls below this:
    /// the machine is shared, and a design that forks or threads per connection must fail here rather than take it down.
    /// </summary>
    public long MinAvailableMemoryBytes { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 5;

    /// <summary>
    /// ... or when the server's processes hold more threads than this (every thread and process takes a pid, and the
    /// machine's pid space, 32,768 here, is shared with everyone).
    /// </summary>
    public int MaxServerThreads { get; init; } = 15_000;

    /// <summary>A fixed deadline per run instead of max(30 s, 1.5 × the design's model + 10 s); for a machine others load too.</summary>
    public TimeSpan? Deadline { get; init; }

    public string OutputDirectory { get; init; } = "results/servers";

    /// <summary>Where py_server.py is; null: looked for from the program's and the current folder upwards.</summary>
    public string? PythonDirectory { get; init; }

    public string Python { get; init; } = "python3";
}
