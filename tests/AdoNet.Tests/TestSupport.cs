using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansDist.AdoNet.Membership;
using OrleansDist.AdoNet.Persistence;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Persistence;
using Xunit.Sdk;

namespace OrleansDist.AdoNet.Tests;

public static class Providers
{
    public const string Memory = "memory";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}

/// <summary>Where the PostgreSQL tests find their server. Unset means failure, never a silent skip.</summary>
internal static class PostgresTestEnvironment
{
    public const string ConnectionVariable = "ORLEANSDIST_TEST_POSTGRES";
    public const string SkipVariable = "ORLEANSDIST_SKIP_POSTGRES";
    public const string SkipReason = "PostgreSQL tests skipped on request (ORLEANSDIST_SKIP_POSTGRES=1)";

    public static bool SkipRequested => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(ConnectionVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{ConnectionVariable} is not set, so the PostgreSQL tests cannot run. Start the test server with "
                    + "`tests/scripts/pg-test-server.sh start`, then `export ORLEANSDIST_TEST_POSTGRES=\"$(cat tests/.pg-connection)\"`. "
                    + $"To skip the PostgreSQL tests on purpose, set {SkipVariable}=1.");
            }

            return value;
        }
    }

    /// <summary>A fresh, empty database on the test server (dropped on dispose), for tests that need a schema-less start.</summary>
    public static async Task<TemporaryPostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var name = "orleansdist_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var admin = builder.ConnectionString;
        builder.Database = name;
        return new TemporaryPostgresDatabase(admin, name, builder.ConnectionString);
    }
}

internal sealed class TemporaryPostgresDatabase(string adminConnectionString, string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A PostgreSQL-only test: runs (and fails without a server) unless ORLEANSDIST_SKIP_POSTGRES=1 asks to skip it.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestEnvironment.SkipRequested)
        {
            Skip = PostgresTestEnvironment.SkipReason;
        }
    }
}

/// <summary>Theory row for the PostgreSQL provider; skipped only when ORLEANSDIST_SKIP_POSTGRES=1.</summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    public PostgresDataAttribute()
    {
        if (PostgresTestEnvironment.SkipRequested)
        {
            Skip = PostgresTestEnvironment.SkipReason;
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Providers.Postgres]];
}

/// <summary>Theory rows for the providers that need no server: in-memory and SQLite.</summary>
public sealed class LocalProvidersDataAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Providers.Memory], [Providers.Sqlite]];
}

internal static class TestIds
{
    /// <summary>Unique per call, valid as ClusterId/ServiceId, so tests can share a database and run in parallel.</summary>
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleansdist-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Creates membership tables and storages of one provider for one test and disposes them afterwards.</summary>
internal sealed class ProviderScope(string provider) : IAsyncDisposable
{
    private readonly List<object> _created = [];
    private readonly Dictionary<string, InMemoryMembershipTable> _memoryTables = [];
    private readonly Dictionary<string, InMemoryGrainStorage> _memoryStorages = [];
    private TempDirectory? _directory;

    public string Provider { get; } = provider;

    public string SqlitePath => (_directory ??= new TempDirectory()).File("orleansdist.db");

    /// <summary>A table of <paramref name="clusterId"/>; every call returns a new instance (new connections) on the same database, except in memory.</summary>
    public IMembershipTable Membership(string clusterId) => Provider switch
    {
        Providers.Memory => _memoryTables.TryGetValue(clusterId, out var table) ? table : _memoryTables[clusterId] = new InMemoryMembershipTable(),
        Providers.Sqlite => Track(new SqliteMembershipTable(SqlitePath, clusterId, NullLogger.Instance)),
        Providers.Postgres => Track(new PostgresMembershipTable(PostgresTestEnvironment.ConnectionString, clusterId, NullLogger.Instance)),
        _ => throw new ArgumentOutOfRangeException(nameof(Provider), Provider, null),
    };

    public IGrainStorage Storage(string serviceId) => Provider switch
    {
        Providers.Memory => _memoryStorages.TryGetValue(serviceId, out var storage) ? storage : _memoryStorages[serviceId] = new InMemoryGrainStorage(),
        Providers.Sqlite => Track(new SqliteGrainStorage(SqlitePath, serviceId, NullLogger.Instance)),
        Providers.Postgres => Track(new PostgresGrainStorage(PostgresTestEnvironment.ConnectionString, serviceId, NullLogger.Instance)),
        _ => throw new ArgumentOutOfRangeException(nameof(Provider), Provider, null),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var item in _created)
        {
            switch (item)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _directory?.Dispose();
    }

    private T Track<T>(T item)
        where T : notnull
    {
        _created.Add(item);
        return item;
    }
}

internal sealed class TestGrainState<T> : IGrainState<T>
{
    public required T State { get; set; }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}

public sealed class CounterState
{
    public string? Name;

    public int Count { get; set; }

    public List<string> Items { get; set; } = [];

    public Dictionary<string, int> Totals { get; set; } = [];
}
