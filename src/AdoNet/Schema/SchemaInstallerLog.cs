using Microsoft.Extensions.Logging;

namespace OrleansDist.AdoNet.Schema;

internal static partial class SchemaInstallerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "database {Database} unreachable: {Reason}; retrying in {Delay}")]
    public static partial void Unreachable(ILogger logger, string database, string reason, string delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Orleans schema ready in {Database} ({QueryCount} queries, {ElapsedMs} ms)")]
    public static partial void Installed(ILogger logger, string database, int queryCount, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "database {Database} reachable after {Attempts} attempts")]
    public static partial void Reachable(ILogger logger, string database, int attempts);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "SQLite file {Path} stays in journal mode '{Mode}', not WAL: readers will block writers")]
    public static partial void NotWal(ILogger logger, string path, string mode);
}
