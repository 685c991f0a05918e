using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using OrleansDist.AdoNet.Tests.Grains;
using OrleansDist.AdoNet.Tests.Support;
using Xunit.Abstractions;

namespace OrleansDist.AdoNet.Tests;

/// <summary>Real Orleans silos and clients on a fresh database: membership, grain state and reminders through our schema.</summary>
public sealed class ClusterTests(ITestOutputHelper output) : IDisposable
{
    private const int Active = 3;
    private const int Dead = 6;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task TwoSilosAndAClient_StateAndRemindersLiveInTheDatabase(AdoNetDatabase kind)
    {
        var clock = Stopwatch.StartNew();
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        var clusterId = NewId("c");
        var serviceId = NewId("s");

        // A fresh database: the silo installs the schema before membership starts, then joins.
        var silo1 = await TestHosts.StartSiloAsync(db.Connection, clusterId, serviceId, Ct);
        Assert.Equal([Active], await StatusesAsync(db, clusterId));
        var silo2 = await TestHosts.StartSiloAsync(db.Connection, clusterId, serviceId, Ct);
        Assert.Equal([Active, Active], await StatusesAsync(db, clusterId));
        output.WriteLine($"two silos Active after {clock.ElapsedMilliseconds} ms");

        var client = await TestHosts.StartClientAsync(db.Connection, clusterId, serviceId, Ct);
        var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>("counter-1");
        Assert.Equal(5, await grain.Add(5));
        Assert.Equal(7, await grain.Add(2));
        Assert.Equal("2", await grain.GetETag());
        Assert.Equal([2L], await StorageVersionsAsync(db, serviceId));

        // Deactivation: the next activation reads the state back.
        await grain.Deactivate();
        Assert.Equal(7, await grain.Get());
        Assert.True(await grain.RecordExists());

        // Someone else writes the same state behind the grain's back: the grain's next write conflicts, Orleans
        // throws InconsistentStateException and deactivates it, and the next activation sees the other write.
        var storage = silo1.Services.GetRequiredKeyedService<IGrainStorage>(CounterGrain.StorageName);
        var other = new GrainState<CounterState>(new CounterState { Count = 100 }) { ETag = "2", RecordExists = true };
        await storage.WriteStateAsync(CounterGrain.StateName, grain.GetGrainId(), other);
        Assert.Equal("3", other.ETag);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Add(1));
        output.WriteLine($"conflict: {conflict.Message}");
        Assert.Equal(100, await grain.Get());

        // Clear keeps a row (NULL payload, next version) so stale writers still conflict; writing again works.
        await grain.Clear();
        Assert.False(await grain.RecordExists());
        Assert.Equal(0, await grain.Get());
        Assert.Equal("4", await grain.GetETag());
        Assert.Equal(3, await grain.Add(3));
        Assert.Equal("5", await grain.GetETag());

        // DeleteStateOnClear (DeleteStorageKey): the row goes, and a stale ETag conflicts.
        await DeletingStorageRoundTripAsync(silo2, grain.GetGrainId());

        // Reminders: registered through the grain, stored in the table, readable through Orleans' reminder table.
        await grain.RegisterReminder("tick", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));
        Assert.True(await grain.HasReminder("tick"));
        Assert.False(await grain.HasReminder("nothing"));
        var reminders = await db.QueryAsync($"SELECT ReminderName, Period FROM OrleansRemindersTable WHERE ServiceId = '{serviceId}'", Ct);
        Assert.Equal("tick", Assert.Single(reminders)[0]);
        Assert.Equal(600_000L, Convert.ToInt64(reminders[0][1], CultureInfo.InvariantCulture));
        await ReminderTableRoundTripAsync(silo2, grain.GetGrainId());

        // Restart: every silo stops (rows go Dead), a new one starts on the same database and reads everything back.
        await TestHosts.StopAsync(client);
        await TestHosts.StopAsync(silo2);
        await TestHosts.StopAsync(silo1);
        Assert.Equal([Dead, Dead], await StatusesAsync(db, clusterId));
        output.WriteLine($"stopped after {clock.ElapsedMilliseconds} ms");

        var silo3 = await TestHosts.StartSiloAsync(db.Connection, clusterId, serviceId, Ct);
        client = await TestHosts.StartClientAsync(db.Connection, clusterId, serviceId, Ct);
        grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>("counter-1");
        Assert.Equal(3, await grain.Get());
        Assert.Equal("5", await grain.GetETag());
        Assert.True(await grain.HasReminder("tick"));
        Assert.Equal([Active, Dead, Dead], (await StatusesAsync(db, clusterId)).Order());
        await TestHosts.StopAsync(client);
        await TestHosts.StopAsync(silo3);
        output.WriteLine($"done after {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task ClientOfAnotherCluster_FindsNoGateway(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        var clusterId = NewId("c");
        var serviceId = NewId("s");

        // Before any silo: the client installs the schema itself, so Orleans reports "no gateway", not a missing table.
        var early = await Assert.ThrowsAsync<SiloUnavailableException>(() => TestHosts.StartClientAsync(db.Connection, clusterId, serviceId, Ct, failFast: true));
        output.WriteLine($"client before any silo: {early.Message}");
        Assert.Contains("Could not find any gateway", early.Message, StringComparison.Ordinal);

        var silo = await TestHosts.StartSiloAsync(db.Connection, clusterId, serviceId, Ct);
        try
        {
            var wrong = await Assert.ThrowsAsync<SiloUnavailableException>(() => TestHosts.StartClientAsync(db.Connection, "another-cluster", serviceId, Ct, failFast: true));
            output.WriteLine($"client of another cluster: {wrong.Message}");
            Assert.Contains("Could not find any gateway", wrong.Message, StringComparison.Ordinal);

            // The right ClusterId on the same database connects.
            var client = await TestHosts.StartClientAsync(db.Connection, clusterId, serviceId, Ct);
            Assert.Equal(1, await client.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>("x").Add(1));
            await TestHosts.StopAsync(client);
        }
        finally
        {
            await TestHosts.StopAsync(silo);
        }
    }

    private static async Task DeletingStorageRoundTripAsync(IHost silo, GrainId grainId)
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(TestHosts.DeletingStorage);
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync("deleting", grainId, state);
        Assert.Equal("1", state.ETag);

        var stale = new GrainState<CounterState>(new CounterState()) { ETag = "0", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("deleting", grainId, stale));

        await storage.ClearStateAsync("deleting", grainId, state);
        Assert.Null(state.ETag);
        var read = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("deleting", grainId, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);

        // A new record after the delete starts again at version 1; a writer without an ETag cannot overwrite it.
        await storage.WriteStateAsync("deleting", grainId, new GrainState<CounterState>(new CounterState { Count = 2 }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("deleting", grainId, new GrainState<CounterState>(new CounterState { Count = 3 })));
    }

    private static async Task ReminderTableRoundTripAsync(IHost silo, GrainId grainId)
    {
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var entry = await table.ReadRow(grainId, "tick");
        Assert.NotNull(entry);
        Assert.Equal(TimeSpan.FromMinutes(10), entry.Period);
        Assert.Equal("0", entry.ETag);
        Assert.Equal(DateTimeKind.Utc, entry.StartAt.Kind);

        // The whole ring (begin = end) and a range that contains the grain's hash, in both query forms.
        var hash = grainId.GetUniformHashCode();
        Assert.Single((await table.ReadRows(0, 0)).Reminders);
        Assert.Single((await table.ReadRows(hash - 1, hash)).Reminders);
        Assert.Single((await table.ReadRows(hash + 1, hash)).Reminders);
        Assert.Empty((await table.ReadRows(hash, hash + 1)).Reminders);

        var other = await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "other", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(5) });
        Assert.Equal("0", other);
        Assert.Equal("1", await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "other", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(6) }));
        Assert.Equal(2, (await table.ReadRows(grainId)).Reminders.Count);
        Assert.False(await table.RemoveRow(grainId, "other", "0"));
        Assert.True(await table.RemoveRow(grainId, "other", "1"));
        Assert.Equal("tick", Assert.Single((await table.ReadRows(grainId)).Reminders).ReminderName);
    }

    private async Task<List<int>> StatusesAsync(TestDatabase db, string clusterId)
    {
        var rows = await db.QueryAsync($"SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' ORDER BY Status", Ct);
        return [.. rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture))];
    }

    private async Task<List<long>> StorageVersionsAsync(TestDatabase db, string serviceId)
    {
        var rows = await db.QueryAsync($"SELECT Version FROM OrleansStorage WHERE ServiceId = '{serviceId}'", Ct);
        return [.. rows.Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture))];
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
