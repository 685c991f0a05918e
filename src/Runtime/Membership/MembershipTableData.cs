namespace OrleansDist.Runtime.Membership;

/// <summary>A snapshot of the table: every row with its etag, and the table version (the compare-and-swap token).</summary>
public sealed class MembershipTableData(IReadOnlyList<(MembershipEntry Entry, string ETag)> members, TableVersion version)
{
    public IReadOnlyList<(MembershipEntry Entry, string ETag)> Members { get; } = members;

    public TableVersion Version { get; } = version;

    public (MembershipEntry Entry, string ETag)? Find(SiloAddress address)
    {
        foreach (var member in Members)
        {
            if (member.Entry.SiloAddress.Equals(address))
            {
                return member;
            }
        }

        return null;
    }
}

/// <summary>Version of the whole table. Every membership change writes <c>Version + 1</c> only if the stored version is still <c>Version</c>.</summary>
public sealed record TableVersion(int Version, string VersionEtag)
{
    public TableVersion Next() => new(Version + 1, VersionEtag);

    public override string ToString() => $"<{Version}, {VersionEtag}>";
}
