using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.AdoNet.Schema;
using OrleansDist.AdoNet.Tests.Support;

namespace OrleansDist.AdoNet.Tests;

public sealed class SchemaInstallerTests : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public void EmbeddedQueries_CoverEveryKeyOrleansReads(AdoNetDatabase database)
    {
        var scripts = SchemaScripts.For(database);
        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), scripts.Queries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(21, scripts.Queries.Count);
        Assert.All(scripts.Queries.Values, text => Assert.False(string.IsNullOrWhiteSpace(text)));
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task SecondRun_SucceedsAndLeavesOneRowPerQueryKey(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);

        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var first = await ReadQueriesAsync(db);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var second = await ReadQueriesAsync(db);

        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), first.Select(q => q.Key));
        Assert.Equal(first, second);
        Assert.Equal(SchemaScripts.For(kind).Queries["GatewaysQueryKey"], first.Single(q => q.Key == "GatewaysQueryKey").Text);
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task ThreeInstallersAtOnce_AllSucceed_OnAFreshDatabase(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);

        // Like three processes starting together: separate connections (and pools) racing on an empty database.
        var installers = Enumerable.Range(0, 3).Select(i => Task.Run(
            () => OrleansSchemaInstaller.InstallAsync(DistinctPool(db.Connection, i), NullLogger.Instance, MaxWait, Ct), Ct));
        await Task.WhenAll(installers);

        var counts = await db.QueryAsync("SELECT QueryKey, COUNT(*) FROM OrleansQuery GROUP BY QueryKey", Ct);
        Assert.Equal(OrleansQueryKeys.All.Count, counts.Count);
        Assert.All(counts, row => Assert.Equal(1L, Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var table in new[] { "OrleansMembershipVersionTable", "OrleansMembershipTable", "OrleansStorage", "OrleansRemindersTable" })
        {
            Assert.Empty(await db.QueryAsync($"SELECT * FROM {table}", Ct));
        }
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task Rerun_RestoresAQueryRowThatWasChanged(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        await db.QueryAsync("UPDATE OrleansQuery SET QueryText = 'stale' WHERE QueryKey = 'ReadFromStorageKey'", Ct);
        await db.QueryAsync("DELETE FROM OrleansQuery WHERE QueryKey = 'ClearStorageKey'", Ct);

        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);

        var queries = await ReadQueriesAsync(db);
        Assert.Equal(SchemaScripts.For(kind).Queries["ReadFromStorageKey"], queries.Single(q => q.Key == "ReadFromStorageKey").Text);
        Assert.Contains(queries, q => q.Key == "ClearStorageKey");
    }

    [Fact]
    public async Task Sqlite_SwitchesTheFileToWal()
    {
        await using var db = await TestDatabase.CreateAsync(AdoNetDatabase.Sqlite, Ct);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var mode = await db.QueryAsync("PRAGMA journal_mode", Ct);
        Assert.Equal("wal", Assert.Single(mode)[0]);
    }

    private static AdoNetConnection DistinctPool(AdoNetConnection connection, int index) => connection.Database switch
    {
        // A different connection string is a different pool; the database is the same.
        AdoNetDatabase.Postgres => connection with { ConnectionString = connection.ConnectionString + $";Application Name=installer{index}" },
        _ => connection with { ConnectionString = connection.ConnectionString + $";Pooling={(index % 2 == 0 ? "True" : "False")}" },
    };

    private async Task<List<(string Key, string Text)>> ReadQueriesAsync(TestDatabase db)
    {
        var rows = await db.QueryAsync("SELECT QueryKey, QueryText FROM OrleansQuery", Ct);
        return [.. rows.Select(r => ((string)r[0]!, (string)r[1]!)).OrderBy(q => q.Item1, StringComparer.Ordinal)];
    }
}
