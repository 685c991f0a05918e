using OrleansDist.Runtime.SystemTargets;

namespace OrleansDist.Runtime.Membership;

/// <summary>The development membership table, served by the primary silo to the others.</summary>
public interface IMembershipTableService : ISystemTarget
{
    Task InitializeAsync(bool tryInitTableVersion);

    Task<MembershipTableData> ReadAllAsync();

    Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion);

    Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion newVersion);

    Task UpdateIAmAliveAsync(MembershipEntry entry);

    Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate);
}

/// <summary>Serves a local table to the other silos.</summary>
internal sealed class MembershipTableService(IMembershipTable table) : IMembershipTableService
{
    public Task InitializeAsync(bool tryInitTableVersion) => table.InitializeMembershipTable(tryInitTableVersion, CancellationToken.None);

    public Task<MembershipTableData> ReadAllAsync() => table.ReadAll(CancellationToken.None);

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion) => table.InsertRow(entry, newVersion, CancellationToken.None);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion newVersion) => table.UpdateRow(entry, etag, newVersion, CancellationToken.None);

    public Task UpdateIAmAliveAsync(MembershipEntry entry) => table.UpdateIAmAlive(entry, CancellationToken.None);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate) => table.CleanupDefunctSiloEntries(beforeDate, CancellationToken.None);
}

/// <summary>The development table as seen from a silo that is not the primary.</summary>
internal sealed class RemoteMembershipTable(Func<IMembershipTableService> primary) : IMembershipTable
{
    public Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken) => primary().InitializeAsync(tryInitTableVersion).WaitAsync(cancellationToken);

    public Task<MembershipTableData> ReadAll(CancellationToken cancellationToken) => primary().ReadAllAsync().WaitAsync(cancellationToken);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken) => primary().InsertRowAsync(entry, newVersion).WaitAsync(cancellationToken);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken) => primary().UpdateRowAsync(entry, etag, newVersion).WaitAsync(cancellationToken);

    public Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken) => primary().UpdateIAmAliveAsync(entry).WaitAsync(cancellationToken);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken) => primary().CleanupDefunctSiloEntriesAsync(beforeDate).WaitAsync(cancellationToken);

    public Task DeleteMembershipTableEntries(CancellationToken cancellationToken) =>
        throw new NotSupportedException("The development membership table is cleared by restarting the primary silo.");
}
