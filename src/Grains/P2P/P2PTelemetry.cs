using System.Diagnostics;

namespace OrleansDist.Grains.P2P;

/// <summary>Spans of the P2P experiment: one "p2p download" per download, one "p2p chunk" per chunk transfer under it.</summary>
public static class P2PTelemetry
{
    public const string SourceName = "OrleansDist.Grains.P2P";

    public static readonly ActivitySource Source = new(SourceName, "1.0");
}
