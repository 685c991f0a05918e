using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Election;

internal static partial class ElectionLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Election {RunId}: node {Node} configured ({Algorithm}, {Nodes} nodes, coordinator {Coordinator}) on silo {Silo}")]
    public static partial void Configured(ILogger logger, string runId, int node, string algorithm, int nodes, int coordinator, string silo);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Election {RunId}: node {Node}: {Text}")]
    public static partial void Event(ILogger logger, string runId, int node, string text);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Election {RunId}: node {Node} crashed on request (it stops answering)")]
    public static partial void Crashed(ILogger logger, string runId, int node);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Election {RunId}: node {Node} recovered; it starts an election")]
    public static partial void Recovered(ILogger logger, string runId, int node);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Election {RunId}: node {Node} came back on silo {Silo} after its silo went down; it starts an election")]
    public static partial void Restarted(ILogger logger, string runId, int node, string silo);
}
