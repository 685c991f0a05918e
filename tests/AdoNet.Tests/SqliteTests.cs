using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.AdoNet.Membership;
using OrleansDist.AdoNet.Persistence;
using OrleansDist.Persistence;

namespace OrleansDist.AdoNet.Tests;

public sealed class SqliteTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _directory.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task TwoSeparateConnections_ShareOneTableConcurrently()
    {
        var path = _directory.File("shared.db");
        var cluster = TestIds.New("shared");

        // The second instance does not pool: every operation is a brand-new connection to the same file.
        using var pooled = new SqliteMembershipTable(path, cluster, NullLogger.Instance);
        using var unpooled = new SqliteMembershipTable($"Data Source={path};Pooling=False", cluster, NullLogger.Instance);
        await Task.WhenAll(pooled.InitializeMembershipTable(true, Ct), unpooled.InitializeMembershipTable(true, Ct));

        var tasks = Enumerable.Range(0, 12).Select(i => Task.Run(
            async () =>
            {
                var table = i % 2 == 0 ? pooled : unpooled;
                var entry = MembershipTableConformanceTests.Entry(9000 + i);
                while (true)
                {
                    var data = await table.ReadAll(Ct);
                    if (await table.InsertRow(entry, data.Version.Next(), Ct))
                    {
                        // IAmAlive traffic from the same silo interleaves with the other writers.
                        entry.IAmAliveTime = entry.IAmAliveTime.AddSeconds(1);
                        await table.UpdateIAmAlive(entry, Ct);
                        return;
                    }

                    await Task.Delay(Random.Shared.Next(1, 10), Ct);
                }
            },
            Ct));
        await Task.WhenAll(tasks);

        var fromPooled = await pooled.ReadAll(Ct);
        var fromUnpooled = await unpooled.ReadAll(Ct);
        Assert.Equal(12, fromPooled.Members.Count);
        Assert.Equal(12, fromPooled.Version.Version);
        Assert.Equal(12, fromUnpooled.Version.Version);
    }

    [Fact]
    public async Task Storage_TwoSeparateConnections_OneWinsTheConflict()
    {
        var path = _directory.File("storage.db");
        var service = TestIds.New("svc");
        using var a = new SqliteGrainStorage(path, service, NullLogger.Instance);
        using var b = new SqliteGrainStorage($"Data Source={path};Pooling=False", service, NullLogger.Instance);
        var grain = GrainId.Create("test.IGrain", 1);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            async () =>
            {
                var state = new TestGrainState<CounterState> { State = new CounterState { Count = i } };
                try
                {
                    await (i % 2 == 0 ? a : b).WriteStateAsync("s", grain, state, Ct);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            },
            Ct)));
        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task CorruptFile_ExceptionNamesThePath()
    {
        var path = _directory.File("corrupt.db");
        var garbage = new byte[16384];
        Random.Shared.NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage, Ct);

        using var table = new SqliteMembershipTable(path, TestIds.New("c"), NullLogger.Instance);
        Exception ex = await Assert.ThrowsAsync<OrleansDist.Runtime.Membership.FatalMembershipTableException>(() => table.InitializeMembershipTable(true, Ct));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid database", ex.Message, StringComparison.Ordinal);

        using var storage = new SqliteGrainStorage(path, TestIds.New("s"), NullLogger.Instance);
        var state = new TestGrainState<CounterState> { State = new CounterState() };
        ex = await Assert.ThrowsAsync<OrleansDist.Runtime.Membership.FatalMembershipTableException>(() => storage.ReadStateAsync("s", GrainId.Create("t", 1), state, Ct));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingParentDirectory_IsCreated_AndJournalIsWal()
    {
        var path = Path.Combine(_directory.Path, "nested", "deeper", "membership.db");
        using var table = new SqliteMembershipTable(path, TestIds.New("c"), NullLogger.Instance);
        await table.InitializeMembershipTable(true, Ct);
        using var storage = new SqliteGrainStorage(path, TestIds.New("s"), NullLogger.Instance);
        await storage.InitializeAsync(Ct);
        Assert.True(File.Exists(path));
        Assert.Equal(path, table.FilePath);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));

        command.CommandText = "SELECT Component || '=' || Version FROM OrleansDistSchema ORDER BY Component";
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["GrainStorage=1", "Membership=1"], rows);
    }

    [Fact]
    public async Task ConcurrentFirstStarts_OnANewFile_AllSucceed()
    {
        var path = _directory.File("first-start.db");
        var cluster = TestIds.New("c");
        var tables = Enumerable.Range(0, 3).Select(_ => new SqliteMembershipTable($"Data Source={path};Pooling=False", cluster, NullLogger.Instance)).ToList();
        try
        {
            await Task.WhenAll(tables.Select(t => Task.Run(() => t.InitializeMembershipTable(true, Ct), Ct)));
            Assert.Equal(0, (await tables[0].ReadAll(Ct)).Version.Version);
        }
        finally
        {
            tables.ForEach(t => t.Dispose());
        }
    }

    [Fact]
    public void InMemoryDatabase_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteMembershipTable(":memory:", "c", NullLogger.Instance));
        Assert.Contains("database file", ex.Message, StringComparison.Ordinal);
    }
}
