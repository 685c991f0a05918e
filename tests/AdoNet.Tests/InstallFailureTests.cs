using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansDist.AdoNet.Tests.Support;
using Xunit.Abstractions;

namespace OrleansDist.AdoNet.Tests;

/// <summary>The installer while the database is down (retries, then gives up after maxWait) or broken (fails at once).</summary>
public sealed class InstallFailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Postgres_NothingListening_LogsEachRetryThenFailsAfterMaxWait()
    {
        var port = FreePorts.Next();
        var connection = AdoNetConnection.Postgres($"Host=127.0.0.1;Port={port};Username=app;Password=s3cret-pw;Database=orleans");
        var logs = new ListLogger();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SchemaInstallException>(() => OrleansSchemaInstaller.InstallAsync(connection, logs, TimeSpan.FromSeconds(2), Ct));

        output.WriteLine(ex.Message);
        foreach (var message in logs.Messages(LogLevel.Warning))
        {
            output.WriteLine(message);
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
        Assert.StartsWith($"database postgres 127.0.0.1:{port}/orleans still unreachable after 2 s (", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
        var retries = logs.Messages(LogLevel.Warning).ToList();
        Assert.True(retries.Count >= 2, $"expected a warning per failed attempt, got {retries.Count}");
        Assert.Equal($"database postgres 127.0.0.1:{port}/orleans unreachable: Connection refused; retrying in 0.5 s", retries[0]);
        // Backoff doubles from 0.5 s, clipped to what is left of maxWait.
        Assert.Matches(@"; retrying in (1|0\.[0-9]) s$", retries[1]);
        Assert.DoesNotContain("s3cret", ex.ToString(), StringComparison.Ordinal);
        Assert.All(logs.Entries, e => Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Postgres_ServerReachableLate_RetrySucceeds()
    {
        var server = PostgresTestServer.Builder;
        var name = "orleansdist_t_" + Guid.NewGuid().ToString("N")[..16];
        await PostgresTestServer.CreateDatabaseAsync(name, Ct);
        try
        {
            // The database sits behind a forwarder on a port that only starts listening a while after the installer began.
            var port = FreePorts.Next();
            var connection = AdoNetConnection.Postgres(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "127.0.0.1", Port = port, Database = name, Pooling = false }.ConnectionString);
            var logs = new ListLogger();
            var install = OrleansSchemaInstaller.InstallAsync(connection, logs, TimeSpan.FromSeconds(30), Ct);
            await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
            Assert.False(install.IsCompleted);

            await using var forwarder = new TcpForwarder(port, server.Host!, server.Port);
            await install.WaitAsync(TimeSpan.FromSeconds(20), Ct);

            Assert.NotEmpty(logs.Messages(LogLevel.Warning));
            Assert.Contains(logs.Messages(LogLevel.Information), m => m.StartsWith($"database postgres 127.0.0.1:{port}/{name} reachable after ", StringComparison.Ordinal));
            await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString);
            await db.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM OrleansQuery", db);
            Assert.Equal(21L, await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task Postgres_MissingDatabase_FailsAtOnce()
    {
        var builder = PostgresTestServer.Builder;
        builder.Database = "orleansdist_missing_" + Guid.NewGuid().ToString("N")[..8];
        var logs = new ListLogger();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SchemaInstallException>(() => OrleansSchemaInstaller.InstallAsync(AdoNetConnection.Postgres(builder.ConnectionString), logs, TimeSpan.FromSeconds(30), Ct));

        output.WriteLine(ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains($"postgres {builder.Host}:{builder.Port}/{builder.Database}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Empty(logs.Messages(LogLevel.Warning));
    }

    [Fact]
    public async Task Postgres_BadConnectionString_FailsAtOnce()
    {
        Assert.Throws<ArgumentException>(() => AdoNetConnection.Postgres("Host=127.0.0.1;NoSuchKeyword=1"));
        Assert.Throws<ArgumentException>(() => AdoNetConnection.Postgres("Username=app;Database=orleans"));

        var raw = new AdoNetConnection(AdoNetDatabase.Postgres, "Host=127.0.0.1;NoSuchKeyword=1");
        var ex = await Assert.ThrowsAsync<SchemaInstallException>(() => OrleansSchemaInstaller.InstallAsync(raw, new ListLogger(), TimeSpan.FromSeconds(30), Ct));
        output.WriteLine(ex.Message);
        Assert.Contains("bad connection string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_StopsTheWait()
    {
        var connection = AdoNetConnection.Postgres($"Host=127.0.0.1;Port={FreePorts.Next()};Username=app;Database=orleans");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OrleansSchemaInstaller.InstallAsync(connection, new ListLogger(), TimeSpan.FromMinutes(5), cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Sqlite_FolderCreatableLate_RetrySucceeds()
    {
        using var directory = new TempDirectory();
        // A file where the folder should be: neither the folder nor the database can be created until it goes.
        var blocker = directory.File("data");
        await File.WriteAllTextAsync(blocker, "not a folder", Ct);
        var path = Path.Combine(blocker, "cluster", "orleans.db");
        var connection = AdoNetConnection.Sqlite(path);
        var logs = new ListLogger();

        var install = OrleansSchemaInstaller.InstallAsync(connection, logs, TimeSpan.FromSeconds(30), Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        Assert.False(install.IsCompleted);
        File.Delete(blocker);
        await install.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        var retry = logs.Messages(LogLevel.Warning).First();
        output.WriteLine(retry);
        Assert.StartsWith($"database sqlite {path} unreachable: ", retry, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Sqlite_FolderNeverCreatable_FailsAfterMaxWait()
    {
        using var directory = new TempDirectory();
        var blocker = directory.File("data");
        await File.WriteAllTextAsync(blocker, "not a folder", Ct);
        var path = Path.Combine(blocker, "orleans.db");
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SchemaInstallException>(() => OrleansSchemaInstaller.InstallAsync(AdoNetConnection.Sqlite(path), new ListLogger(), TimeSpan.FromSeconds(1.5), Ct));

        output.WriteLine(ex.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        Assert.StartsWith($"database sqlite {path} still unreachable after 1.5 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_CorruptFile_FailsAtOnceNamingThePath()
    {
        using var directory = new TempDirectory();
        var path = directory.File("corrupt.db");
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage, Ct);
        var logs = new ListLogger();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SchemaInstallException>(() => OrleansSchemaInstaller.InstallAsync(AdoNetConnection.Sqlite(path), logs, TimeSpan.FromSeconds(30), Ct));

        output.WriteLine(ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains($"{path} is not a SQLite database (file is corrupt?)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(logs.Messages(LogLevel.Warning));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(path, Ct));
    }
}
