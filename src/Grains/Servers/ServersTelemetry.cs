using System.Diagnostics;

namespace OrleansDist.Grains.Servers;

/// <summary>Spans of the task servers: one per task the actor design runs (in the session grain).</summary>
public static class ServersTelemetry
{
    public const string SourceName = "OrleansDist.Grains.Servers";

    internal static readonly ActivitySource Source = new(SourceName, "1.0");
}
