using Microsoft.Extensions.Logging;

namespace OrleansDist.AdoNet.Common;

internal static partial class AdoNetLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Schema of {Component} (version {Version}) is ready in {Database}")]
    public static partial void SchemaReady(ILogger logger, string component, int version, string database);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Schema of {Component} in {Database} has version {StoredVersion}, newer than the {KnownVersion} this build knows; continuing")]
    public static partial void SchemaNewer(ILogger logger, string component, string database, int storedVersion, int knownVersion);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "SQLite database {Database} is busy (attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void SqliteBusy(ILogger logger, string database, int attempt, int delayMs, Exception exception);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Membership {Operation} of {Silo} in cluster {ClusterId} lost the race (table version {Version} expected)")]
    public static partial void MembershipRaceLost(ILogger logger, string operation, string silo, string clusterId, int version);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Ignoring malformed suspicion vote '{Vote}' of silo {Silo}")]
    public static partial void MalformedSuspectVote(ILogger logger, string vote, string silo);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Storage {Operation} of {GrainType}/{GrainKey} state {StateName} conflicts: stored etag {StoredEtag}, grain etag {GrainEtag}")]
    public static partial void StorageConflict(ILogger logger, string operation, string grainType, string grainKey, string stateName, string? storedEtag, string? grainEtag);
}
