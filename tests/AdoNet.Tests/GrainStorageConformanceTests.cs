using OrleansDist.AdoNet.Persistence;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Tests;

/// <summary>The same contract, checked against the in-memory, SQLite and PostgreSQL grain storages.</summary>
public sealed class GrainStorageConformanceTests : IAsyncLifetime
{
    private const string StateName = "counter";

    private readonly List<ProviderScope> _scopes = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }

        _timeout.Dispose();
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task SchemaInitialization_TwiceAndFromTwoInstances_IsIdempotent(string provider)
    {
        var scope = Scope(provider);
        var service = TestIds.New("svc");
        var first = scope.Storage(service);
        var second = scope.Storage(service);
        await InitializeAsync(first);
        await InitializeAsync(first);
        await InitializeAsync(second);

        var grain = NewGrain();
        var state = NewState();
        state.State.Count = 7;
        await first.WriteStateAsync(StateName, grain, state, Ct);

        var read = NewState();
        await second.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(7, read.State.Count);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task Read_OfMissingRecord_GivesNoRecordAndANewState(string provider)
    {
        var storage = Scope(provider).Storage(TestIds.New("svc"));
        var state = NewState();
        state.State.Count = 5;
        state.ETag = "3";
        state.RecordExists = true;

        await storage.ReadStateAsync(StateName, NewGrain(), state, Ct);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State.Count);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task Write_ThenRead_RoundTripsStateAndEtag(string provider)
    {
        var storage = Scope(provider).Storage(TestIds.New("svc"));
        var grain = NewGrain();
        var state = NewState();
        state.State.Count = 3;
        state.State.Name = "field too";
        state.State.Items = ["a", "b"];
        state.State.Totals = new() { ["x"] = 1 };

        await storage.WriteStateAsync(StateName, grain, state, Ct);
        Assert.True(state.RecordExists);
        Assert.NotNull(state.ETag);

        var read = NewState();
        await storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.NotSame(state.State, read.State);
        Assert.Equal(3, read.State.Count);
        Assert.Equal("field too", read.State.Name);
        Assert.Equal(["a", "b"], read.State.Items);
        Assert.Equal(1, read.State.Totals["x"]);

        // Stored as text: changing the written object afterwards changes nothing stored.
        state.State.Items.Add("c");
        var again = NewState();
        await storage.ReadStateAsync(StateName, grain, again, Ct);
        Assert.Equal(["a", "b"], again.State.Items);

        var firstEtag = state.ETag;
        await storage.WriteStateAsync(StateName, grain, state, Ct);
        Assert.NotEqual(firstEtag, state.ETag);

        // Other state names and grains are other records.
        var other = NewState();
        await storage.ReadStateAsync("other", grain, other, Ct);
        Assert.False(other.RecordExists);
        await storage.ReadStateAsync(StateName, NewGrain(), other, Ct);
        Assert.False(other.RecordExists);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task Write_WithStaleEtag_ThrowsInconsistentStateException(string provider)
    {
        var storage = Scope(provider).Storage(TestIds.New("svc"));
        var grain = NewGrain();
        var winner = NewState();
        var loser = NewState();
        await storage.ReadStateAsync(StateName, grain, winner, Ct);
        await storage.ReadStateAsync(StateName, grain, loser, Ct);

        // Both saw "no record": the first insert wins, the second is a conflict.
        await storage.WriteStateAsync(StateName, grain, winner, Ct);
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, loser, Ct));
        Assert.Equal(winner.ETag, ex.StoredEtag);
        Assert.Null(ex.CurrentEtag);

        // Both read the same version: the first update wins.
        await storage.ReadStateAsync(StateName, grain, loser, Ct);
        winner.State.Count = 1;
        await storage.WriteStateAsync(StateName, grain, winner, Ct);
        loser.State.Count = 2;
        var stale = loser.ETag;
        ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, loser, Ct));
        Assert.Equal(winner.ETag, ex.StoredEtag);
        Assert.Equal(stale, ex.CurrentEtag);

        var read = NewState();
        await storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(1, read.State.Count);

        // An etag for a record that does not exist is a conflict too.
        var ghost = NewState();
        ghost.ETag = "1";
        ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, NewGrain(), ghost, Ct));
        Assert.Null(ex.StoredEtag);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task Clear_ThenRead_GivesNoRecord(string provider)
    {
        var storage = Scope(provider).Storage(TestIds.New("svc"));
        var grain = NewGrain();
        var state = NewState();
        state.State.Count = 9;
        await storage.WriteStateAsync(StateName, grain, state, Ct);

        var stale = NewState();
        await storage.ReadStateAsync(StateName, grain, stale, Ct);
        await storage.WriteStateAsync(StateName, grain, state, Ct);
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale, Ct));
        Assert.Equal(state.ETag, ex.StoredEtag);

        var beforeClear = NewState();
        await storage.ReadStateAsync(StateName, grain, beforeClear, Ct);
        await storage.ClearStateAsync(StateName, grain, state, Ct);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State.Count);

        // the clear leaves a tombstone whose version goes on: the etag never repeats
        Assert.NotNull(state.ETag);
        Assert.NotEqual(beforeClear.ETag, state.ETag);
        var read = NewState();
        await storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);

        // a grain still holding an etag from before the clear cannot overwrite it
        beforeClear.State.Count = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, beforeClear, Ct));

        // clearing a cleared record is fine; writing after a clear continues the versions
        await storage.ClearStateAsync(StateName, grain, read, Ct);
        read.State.Count = 4;
        await storage.WriteStateAsync(StateName, grain, read, Ct);
        Assert.True(read.RecordExists);
        var after = NewState();
        await storage.ReadStateAsync(StateName, grain, after, Ct);
        Assert.Equal(4, after.State.Count);
        Assert.Equal(read.ETag, after.ETag);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task TwoServiceIds_AreIsolated(string provider)
    {
        var scope = Scope(provider);
        var a = scope.Storage(TestIds.New("svc-a"));
        var b = scope.Storage(TestIds.New("svc-b"));
        var grain = NewGrain();
        var state = NewState();
        state.State.Count = 1;
        await a.WriteStateAsync(StateName, grain, state, Ct);

        var fromB = NewState();
        await b.ReadStateAsync(StateName, grain, fromB, Ct);
        Assert.False(fromB.RecordExists);
        fromB.State.Count = 2;
        await b.WriteStateAsync(StateName, grain, fromB, Ct);

        var fromA = NewState();
        await a.ReadStateAsync(StateName, grain, fromA, Ct);
        Assert.Equal(1, fromA.State.Count);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task ValueAndStringStates_RoundTrip(string provider)
    {
        var storage = Scope(provider).Storage(TestIds.New("svc"));
        var grain = NewGrain();
        var number = new TestGrainState<long> { State = 0 };
        await storage.ReadStateAsync("n", grain, number, Ct);
        Assert.Equal(0, number.State);
        number.State = long.MaxValue;
        await storage.WriteStateAsync("n", grain, number, Ct);

        var text = new TestGrainState<string?> { State = "unset" };
        await storage.ReadStateAsync("s", grain, text, Ct);
        Assert.Null(text.State);
        text.State = "héllo \"quoted\"";
        await storage.WriteStateAsync("s", grain, text, Ct);

        var numberRead = new TestGrainState<long> { State = 0 };
        await storage.ReadStateAsync("n", grain, numberRead, Ct);
        Assert.Equal(long.MaxValue, numberRead.State);
        var textRead = new TestGrainState<string?> { State = null };
        await storage.ReadStateAsync("s", grain, textRead, Ct);
        Assert.Equal("héllo \"quoted\"", textRead.State);
    }

    private static GrainId NewGrain() => GrainId.Create("test.ICounterGrain", Guid.NewGuid());

    private static TestGrainState<CounterState> NewState() => new() { State = new CounterState() };

    private Task InitializeAsync(IGrainStorage storage) => storage switch
    {
        SqliteGrainStorage sqlite => sqlite.InitializeAsync(Ct),
        PostgresGrainStorage postgres => postgres.InitializeAsync(Ct),
        _ => Task.CompletedTask,
    };

    private ProviderScope Scope(string provider)
    {
        var scope = new ProviderScope(provider);
        _scopes.Add(scope);
        return scope;
    }
}
