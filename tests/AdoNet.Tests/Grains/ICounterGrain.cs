namespace OrleansDist.AdoNet.Tests.Grains;

/// <summary>A grain with persistent state (storage "Default", state name "counter") and reminders.</summary>
[Alias("OrleansDist.AdoNet.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds and writes the state; returns the new count.</summary>
    [Alias("Add")]
    Task<int> Add(int amount);

    [Alias("Get")]
    Task<int> Get();

    [Alias("GetETag")]
    Task<string?> GetETag();

    [Alias("RecordExists")]
    Task<bool> RecordExists();

    [Alias("Clear")]
    Task Clear();

    [Alias("Deactivate")]
    Task Deactivate();

    [Alias("RegisterReminder")]
    Task RegisterReminder(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Whether the reminder exists, as the grain's reminder registry sees it.</summary>
    [Alias("HasReminder")]
    Task<bool> HasReminder(string name);
}
