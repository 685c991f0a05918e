namespace OrleansDist.Client.Servers;

/// <summary>
/// One run of one design at one client count, with what the server's process tree used meanwhile (null for a remote
/// server, whose processes are not on this machine).
/// </summary>
/// <param name="Efficiency">Claimed CPU work per second over what the cores can do: replied × T / (seconds × cores). Only for <c>--work cpu</c> (null for io).</param>
/// <param name="LoadAverage">The machine's 1-minute load average as the run started.</param>
/// <param name="CpuUtilisation">The server tree's measured CPU time over seconds × cores.</param>
internal sealed record ServerRunRecord(
    int Run,
    LoadRunResult Load,
    double? ServerCpuSeconds,
    long? PeakRssBytes,
    int? PeakThreads,
    int? PeakProcesses,
    double? Efficiency,
    double? CpuUtilisation,
    string? ServerOutput,
    double? LoadAverage);
