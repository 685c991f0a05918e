namespace OrleansDist.AdoNet.Tests.Grains;

public sealed class CounterGrain([PersistentState(CounterGrain.StateName, CounterGrain.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain, IRemindable
{
    public const string StateName = "counter";
    public const string StorageName = "Default";

    public async Task<int> Add(int amount)
    {
        state.State.Count += amount;
        state.State.History.Add($"+{amount}");
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Get() => Task.FromResult(state.State.Count);

    public Task<string?> GetETag() => Task.FromResult(state.Etag);

    public Task<bool> RecordExists() => Task.FromResult(state.RecordExists);

    public Task Clear() => state.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task RegisterReminder(string name, TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> HasReminder(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
