using System.Diagnostics;

namespace OrleansDist.Grains.Clocks;

/// <summary>Spans of clock synchronisation: one per Berkeley round with a child per poll and per correction, one per Cristian sync.</summary>
public static class ClocksTelemetry
{
    public const string SourceName = "OrleansDist.Grains.Clocks";

    internal static readonly ActivitySource Source = new(SourceName, "1.0");
}
