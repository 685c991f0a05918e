namespace OrleansDist.Client.Download;

/// <summary>The options of <c>download</c> and <c>experiment download</c>, parsed and checked.</summary>
internal sealed record DownloadSettings
{
    /// <summary>An outside line server (host:port); null starts the embedded emulator.</summary>
    public string? Server { get; init; }

    public bool UseCluster { get; init; }

    public int Lines { get; init; } = 1000;

    /// <summary>Lines/s per session of the embedded emulator.</summary>
    public double Rate { get; init; } = 100;

    public string Entry { get; init; } = "orleansdist@local";

    public string[] SourceAddresses { get; init; } = [];

    public int PipelineDepth { get; init; } = 4;

    public bool ResetSession { get; init; } = true;

    /// <summary>Longest one download may take before it is cancelled.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public string? JsonPath { get; init; }

    /// <summary>How long no fetcher may reach the line server before the download fails.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// With an embedded cluster: start the Aspire dashboard (UI on <see cref="DashboardPort"/>) and export to it, and let
    /// every embedded silo serve the Orleans Dashboard. False (<c>--no-dashboard</c>): neither.
    /// </summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>The Aspire dashboard's UI port (a free port, said so, when taken).</summary>
    public int DashboardPort { get; init; } = 18888;

    /// <summary>After the work is done, keep the Aspire dashboard (and the embedded silos with their Orleans Dashboard) up until Ctrl+C.</summary>
    public bool KeepDashboard { get; init; }
}
