namespace OrleansDist.AdoNet.Schema;

/// <summary>
/// The <c>OrleansQuery</c> keys that Orleans' ADO.NET providers (10.4.2) read at start. A provider refuses to start
/// when one of its required keys is missing ("Not all required queries found").
/// </summary>
internal static class OrleansQueryKeys
{
    /// <summary>Microsoft.Orleans.Clustering.AdoNet: membership table (silos) and gateway list (clients).</summary>
    public static readonly IReadOnlyList<string> Clustering =
    [
        "MembershipReadAllKey",
        "MembershipReadRowKey",
        "InsertMembershipVersionKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "UpdateIAmAlivetimeKey",
        "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>Clustering, optional: when present, 10.4.2 deletes defunct silos one row at a time, checking each row is unchanged.</summary>
    public const string CleanupDefunctSiloEntry = "CleanupDefunctSiloEntryKey";

    /// <summary>Microsoft.Orleans.Persistence.AdoNet: grain state.</summary>
    public static readonly IReadOnlyList<string> Persistence =
    [
        "ReadFromStorageKey",
        "WriteToStorageKey",
        "ClearStorageKey",
    ];

    /// <summary>Persistence, optional: needed only with <c>AdoNetGrainStorageOptions.DeleteStateOnClear</c>.</summary>
    public const string DeleteStorage = "DeleteStorageKey";

    /// <summary>Microsoft.Orleans.Reminders.AdoNet.</summary>
    public static readonly IReadOnlyList<string> Reminders =
    [
        "UpsertReminderRowKey",
        "ReadReminderRowsKey",
        "ReadReminderRowKey",
        "ReadRangeRows1Key",
        "ReadRangeRows2Key",
        "DeleteReminderRowKey",
        "DeleteReminderRowsKey",
    ];

    /// <summary>Every key we supply, required and optional, for every database.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Clustering, CleanupDefunctSiloEntry, .. Persistence, DeleteStorage, .. Reminders];
}
