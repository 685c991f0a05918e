using System.Data.Common;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Common;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Membership;

/// <summary>
/// The membership table in SQL, shared by the SQLite and PostgreSQL providers (they differ only in DDL and connection handling).
/// </summary>
/// <remarks>
/// <para>Tables (Orleans' shape): <c>OrleansMembershipVersionTable(DeploymentId PK, Timestamp, Version)</c>, one row per cluster;
/// <c>OrleansMembershipTable(DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes,
/// StartTime, IAmAliveTime, ETag)</c> keyed by (DeploymentId, Address, Port, Generation). DeploymentId is the ClusterId.</para>
/// <para>Concurrency: InsertRow/UpdateRow run in one transaction that first does
/// <c>UPDATE version SET Version = @new WHERE DeploymentId = @id AND Version = @new - 1</c>; no row updated means the caller's
/// snapshot is stale and the call returns false. Row etag: the extra integer column <c>ETag</c>, 1 on insert, +1 on every
/// UpdateRow (UpdateRow also requires <c>ETag = @etag</c>). IAmAlive writes touch neither Version nor ETag, so they never make a
/// concurrent status change or suspicion vote fail.</para>
/// <para>SuspectTimes: <c>silo,utcTicks|silo,utcTicks</c> with silo in <see cref="SiloAddress"/> text form; NULL when empty.</para>
/// </remarks>
public abstract class SqlMembershipTable : IMembershipTable
{
    internal const string Component = "Membership";
    internal const int SchemaVersion = 1;

    private readonly IAdoNetDatabase _db;
    private readonly string _clusterId;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _ddl;
    private volatile bool _schemaReady;

    private protected SqlMembershipTable(IAdoNetDatabase db, string clusterId, ILogger logger, IReadOnlyList<string> ddl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _db = db;
        _clusterId = clusterId;
        _logger = logger;
        _ddl = ddl;
    }

    public string ClusterId => _clusterId;

    public async Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await _db.EnsureSchemaAsync(Component, SchemaVersion, _ddl, cancellationToken).ConfigureAwait(false);
        _schemaReady = true;
        if (tryInitTableVersion)
        {
            await _db.RunAsync(write: true, (connection, transaction, ct) => Sql.ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version) VALUES (@id, @now, 0) ON CONFLICT (DeploymentId) DO NOTHING",
                ct,
                ("id", _clusterId),
                ("now", _db.TimeValue(DateTimeOffset.UtcNow))), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<MembershipTableData> ReadAll(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await _db.RunAsync(write: false, async (connection, transaction, ct) =>
        {
            var versionValue = await Sql.ScalarAsync(connection, transaction, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = @id", ct, ("id", _clusterId)).ConfigureAwait(false);
            var version = versionValue is null ? 0 : Convert.ToInt32(versionValue, CultureInfo.InvariantCulture);

            var members = new List<(MembershipEntry Entry, string ETag)>();
            await using var command = Sql.Command(
                connection,
                transaction,
                "SELECT Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime, ETag FROM OrleansMembershipTable WHERE DeploymentId = @id ORDER BY Address, Port, Generation",
                ("id", _clusterId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                members.Add(ReadRow(reader));
            }

            return new MembershipTableData(members, new TableVersion(version, Format(version)));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await RunCasAsync(async (connection, transaction, ct) =>
        {
            if (!await TryBumpVersionAsync(connection, transaction, newVersion.Version, ct).ConfigureAwait(false))
            {
                return false;
            }

            var rows = await Sql.ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime, ETag) "
                + "VALUES (@id, @address, @port, @generation, @siloName, @hostName, @status, @proxyPort, @suspectTimes, @startTime, @iAmAliveTime, 1) "
                + "ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING",
                ct,
                [.. KeyParameters(entry), .. ValueParameters(entry)]).ConfigureAwait(false);

            // A row that already exists means the caller's snapshot is stale: throwing rolls the version bump back.
            if (rows != 1)
            {
                throw new LostRaceException();
            }

            return true;
        }, cancellationToken, "insert", entry, newVersion).ConfigureAwait(false);
    }

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        if (!int.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rowEtag))
        {
            // Not an etag this table ever handed out: it cannot match.
            return false;
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await RunCasAsync(async (connection, transaction, ct) =>
        {
            if (!await TryBumpVersionAsync(connection, transaction, newVersion.Version, ct).ConfigureAwait(false))
            {
                return false;
            }

            var rows = await Sql.ExecuteAsync(
                connection,
                transaction,
                "UPDATE OrleansMembershipTable SET SiloName = @siloName, HostName = @hostName, Status = @status, ProxyPort = @proxyPort, "
                + "SuspectTimes = @suspectTimes, StartTime = @startTime, IAmAliveTime = @iAmAliveTime, ETag = ETag + 1 "
                + "WHERE DeploymentId = @id AND Address = @address AND Port = @port AND Generation = @generation AND ETag = @etag",
                ct,
                [.. KeyParameters(entry), .. ValueParameters(entry), ("etag", rowEtag)]).ConfigureAwait(false);
            if (rows != 1)
            {
                throw new LostRaceException();
            }

            return true;
        }, cancellationToken, "update", entry, newVersion).ConfigureAwait(false);
    }

    public async Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await _db.RunAsync(write: true, (connection, transaction, ct) => Sql.ExecuteAsync(
            connection,
            transaction,
            "UPDATE OrleansMembershipTable SET IAmAliveTime = @iAmAliveTime WHERE DeploymentId = @id AND Address = @address AND Port = @port AND Generation = @generation",
            ct,
            [.. KeyParameters(entry), ("iAmAliveTime", _db.TimeValue(entry.IAmAliveTime))]), cancellationToken).ConfigureAwait(false);
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await _db.RunAsync(write: true, (connection, transaction, ct) => Sql.ExecuteAsync(
            connection,
            transaction,
            "DELETE FROM OrleansMembershipTable WHERE DeploymentId = @id AND Status = @dead AND IAmAliveTime < @before",
            ct,
            ("id", _clusterId),
            ("dead", (int)SiloStatus.Dead),
            ("before", _db.TimeValue(beforeDate))), cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteMembershipTableEntries(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await _db.RunAsync(write: true, async (connection, transaction, ct) =>
        {
            await Sql.ExecuteAsync(connection, transaction, "DELETE FROM OrleansMembershipTable WHERE DeploymentId = @id", ct, ("id", _clusterId)).ConfigureAwait(false);
            return await Sql.ExecuteAsync(connection, transaction, "DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @id", ct, ("id", _clusterId)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> RunCasAsync(Func<DbConnection, DbTransaction, CancellationToken, Task<bool>> work, CancellationToken cancellationToken, string operation, MembershipEntry entry, TableVersion newVersion)
    {
        bool succeeded;
        try
        {
            succeeded = await _db.RunAsync(write: true, work, cancellationToken).ConfigureAwait(false);
        }
        catch (LostRaceException)
        {
            succeeded = false;
        }

        if (!succeeded)
        {
            AdoNetLog.MembershipRaceLost(_logger, operation, entry.SiloAddress.ToString(), _clusterId, newVersion.Version - 1);
        }

        return succeeded;
    }

    private async Task<bool> TryBumpVersionAsync(DbConnection connection, DbTransaction transaction, int newVersion, CancellationToken cancellationToken)
    {
        var rows = await Sql.ExecuteAsync(
            connection,
            transaction,
            "UPDATE OrleansMembershipVersionTable SET Version = @version, Timestamp = @now WHERE DeploymentId = @id AND Version = @version - 1",
            cancellationToken,
            ("id", _clusterId),
            ("version", newVersion),
            ("now", _db.TimeValue(DateTimeOffset.UtcNow))).ConfigureAwait(false);
        return rows == 1;
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await _db.EnsureSchemaAsync(Component, SchemaVersion, _ddl, cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
    }

    private (string, object?)[] KeyParameters(MembershipEntry entry) =>
    [
        ("id", _clusterId),
        ("address", entry.SiloAddress.Endpoint.Address.ToString()),
        ("port", entry.SiloAddress.Endpoint.Port),
        ("generation", entry.SiloAddress.Generation),
    ];

    private (string, object?)[] ValueParameters(MembershipEntry entry) =>
    [
        ("siloName", entry.SiloName),
        ("hostName", entry.HostName),
        ("status", (int)entry.Status),
        ("proxyPort", entry.ProxyPort),
        ("suspectTimes", SuspectTimesCodec.Encode(entry.SuspectTimes)),
        ("startTime", _db.TimeValue(entry.StartTime)),
        ("iAmAliveTime", _db.TimeValue(entry.IAmAliveTime)),
    ];

    private (MembershipEntry Entry, string ETag) ReadRow(DbDataReader reader)
    {
        var address = new SiloAddress(
            new IPEndPoint(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1)),
            reader.GetInt32(2));
        var entry = new MembershipEntry
        {
            SiloAddress = address,
            SiloName = reader.GetString(3),
            HostName = reader.GetString(4),
            Status = (SiloStatus)reader.GetInt32(5),
            ProxyPort = reader.IsDBNull(6) ? 0 : reader.GetInt32(6),
            SuspectTimes = SuspectTimesCodec.Decode(reader.IsDBNull(7) ? null : reader.GetString(7), address, _logger),
            StartTime = _db.ReadTime(reader, 8),
            IAmAliveTime = _db.ReadTime(reader, 9),
        };
        return (entry, Format(reader.GetInt32(10)));
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Rolls the transaction back (undoing the version bump) when the row part of a compare-and-swap fails.</summary>
    private sealed class LostRaceException : Exception
    {
    }
}

/// <summary>Text form of suspicion votes: <c>silo,utcTicks|silo,utcTicks</c> (silo as <c>ip:port@generation</c>).</summary>
internal static class SuspectTimesCodec
{
    public static string? Encode(IReadOnlyCollection<SuspectVote> votes)
    {
        if (votes.Count == 0)
        {
            return null;
        }

        return string.Join('|', votes.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Suspecter},{v.Time.UtcTicks}")));
    }

    public static List<SuspectVote> Decode(string? text, SiloAddress owner, ILogger logger)
    {
        var votes = new List<SuspectVote>();
        if (string.IsNullOrEmpty(text))
        {
            return votes;
        }

        foreach (var part in text.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var comma = part.LastIndexOf(',');
            if (comma > 0
                && SiloAddress.TryParse(part[..comma], out var suspecter)
                && long.TryParse(part.AsSpan(comma + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks
                && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                votes.Add(new SuspectVote(suspecter, new DateTimeOffset(ticks, TimeSpan.Zero)));
            }
            else
            {
                AdoNetLog.MalformedSuspectVote(logger, part, owner.ToString());
            }
        }

        return votes;
    }
}
