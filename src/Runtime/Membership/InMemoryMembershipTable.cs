using System.Globalization;

namespace OrleansDist.Runtime.Membership;

/// <summary>
/// A membership table kept in process memory, for tests and single-process development. One instance is one cluster:
/// share the same instance between the in-process silos (and clients) of a test cluster.
/// </summary>
/// <remarks>
/// Same compare-and-swap rules as the SQL tables: <see cref="InsertRow"/> and <see cref="UpdateRow"/> succeed only if the
/// table version still equals <c>newVersion.Version - 1</c>; <see cref="UpdateRow"/> also requires the row's etag.
/// Row etag: an integer (as text) that starts at 1 on insert and grows by one on every <see cref="UpdateRow"/>;
/// <see cref="UpdateIAmAlive"/> changes neither the etag nor the version. Rows are copied on the way in and out, so callers never
/// share <see cref="MembershipEntry"/> instances with the table.
/// </remarks>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, Row> _rows = [];

    // Null until InitializeMembershipTable(tryInitTableVersion: true) created the version "row".
    private int? _version;

    public Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (tryInitTableVersion)
        {
            lock (_lock)
            {
                _version ??= 0;
            }
        }

        return Task.CompletedTask;
    }

    public Task<MembershipTableData> ReadAll(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var members = new List<(MembershipEntry Entry, string ETag)>(_rows.Count);
            foreach (var row in _rows.Values.OrderBy(r => r.Entry.SiloAddress))
            {
                members.Add((row.Entry.Copy(), FormatEtag(row.ETag)));
            }

            var version = _version ?? 0;
            return Task.FromResult(new MembershipTableData(members, new TableVersion(version, FormatEtag(version))));
        }
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_version != newVersion.Version - 1 || _rows.ContainsKey(entry.SiloAddress))
            {
                return Task.FromResult(false);
            }

            _rows[entry.SiloAddress] = new Row(entry.Copy(), 1);
            _version = newVersion.Version;
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_version != newVersion.Version - 1
                || !_rows.TryGetValue(entry.SiloAddress, out var row)
                || !string.Equals(FormatEtag(row.ETag), etag, StringComparison.Ordinal))
            {
                return Task.FromResult(false);
            }

            row.Entry = entry.Copy();
            row.ETag++;
            _version = newVersion.Version;
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_rows.TryGetValue(entry.SiloAddress, out var row))
            {
                row.Entry.IAmAliveTime = entry.IAmAliveTime;
            }
        }

        return Task.CompletedTask;
    }

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            foreach (var row in _rows.Values.ToList())
            {
                if (row.Entry.Status == SiloStatus.Dead && row.Entry.IAmAliveTime < beforeDate)
                {
                    _rows.Remove(row.Entry.SiloAddress);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteMembershipTableEntries(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _rows.Clear();
            _version = null;
        }

        return Task.CompletedTask;
    }

    private static string FormatEtag(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Row(MembershipEntry entry, int etag)
    {
        public MembershipEntry Entry { get; set; } = entry;

        public int ETag { get; set; } = etag;
    }
}
