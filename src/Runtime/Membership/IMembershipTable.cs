namespace OrleansDist.Runtime.Membership;

/// <summary>
/// Storage of the membership table for one cluster (ClusterId). Every change of a row's status or suspicions goes through
/// <see cref="InsertRow"/> or <see cref="UpdateRow"/>, which succeed only if the table version still equals
/// <c>newVersion.Version - 1</c> (and, for updates, the row's etag is unchanged); they return false when they lost that race.
/// IAmAlive updates do not change the version.
/// </summary>
public interface IMembershipTable
{
    /// <summary>Creates the schema (idempotently) and, when asked, the version row of this cluster.</summary>
    Task InitializeMembershipTable(bool tryInitTableVersion, CancellationToken cancellationToken);

    Task<MembershipTableData> ReadAll(CancellationToken cancellationToken);

    Task<bool> InsertRow(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken);

    Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion newVersion, CancellationToken cancellationToken);

    Task UpdateIAmAlive(MembershipEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes Dead rows whose IAmAlive is older than <paramref name="beforeDate"/> (they no longer matter to anyone).</summary>
    Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate, CancellationToken cancellationToken);

    /// <summary>Deletes the whole cluster's rows (tests and tooling).</summary>
    Task DeleteMembershipTableEntries(CancellationToken cancellationToken);
}
