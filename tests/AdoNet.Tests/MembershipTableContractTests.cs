using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using OrleansDist.AdoNet.Tests.Support;

namespace OrleansDist.AdoNet.Tests;

/// <summary>
/// Orleans' own AdoNetClusteringTable and AdoNetGatewayListProvider, driven directly against our query rows: the
/// version protocol (what a successful and a failed optimistic write look like) on both databases.
/// </summary>
public sealed class MembershipTableContractTests : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().BuildServiceProvider();

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _services.Dispose();
        _timeout.Dispose();
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task VersionProtocol_InsertUpdateHeartbeatAndConflicts(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var table = Table(db.Connection, "blue");
        await table.InitializeMembershipTableAsync(true, Ct);
        await table.InitializeMembershipTableAsync(true, Ct);

        var empty = await table.ReadAllAsync(Ct);
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var a = Entry(11111, SiloStatus.Joining, proxyPort: 30000);
        Assert.True(await table.InsertRowAsync(a, empty.Version.Next(), Ct));
        // Same version read: someone else's insert must now fail, and so must inserting the same silo again.
        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), empty.Version.Next(), Ct));
        var v1 = await table.ReadAllAsync(Ct);
        Assert.Equal(1, v1.Version.Version);
        Assert.False(await table.InsertRowAsync(a, v1.Version.Next(), Ct));
        Assert.Equal(1, (await table.ReadAllAsync(Ct)).Version.Version);

        var (readA, etagA) = Assert.Single(v1.Members);
        Assert.Equal(a.SiloAddress, readA.SiloAddress);
        Assert.Equal(a.SiloName, readA.SiloName);
        Assert.Equal(a.HostName, readA.HostName);
        Assert.Equal(SiloStatus.Joining, readA.Status);
        Assert.Equal(30000, readA.ProxyPort);
        AssertClose(a.StartTime, readA.StartTime);
        AssertClose(a.IAmAliveTime, readA.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, readA.StartTime.Kind);

        var suspecter = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 33333), 7);
        readA.Status = SiloStatus.Active;
        readA.SuspectTimes = [Tuple.Create(suspecter, DateTime.UtcNow)];
        Assert.True(await table.UpdateRowAsync(readA, etagA, v1.Version.Next(), Ct));
        Assert.False(await table.UpdateRowAsync(readA, etagA, v1.Version.Next(), Ct));

        var v2 = await table.ReadRowAsync(a.SiloAddress, Ct);
        Assert.Equal(2, v2.Version.Version);
        var (rowA, _) = Assert.Single(v2.Members);
        Assert.Equal(SiloStatus.Active, rowA.Status);
        Assert.Equal(suspecter, Assert.Single(rowA.SuspectTimes ?? []).Item1);

        // The heartbeat is outside the version protocol: it changes the row, not the version.
        rowA.IAmAliveTime = DateTime.UtcNow.AddSeconds(5);
        await table.UpdateIAmAliveAsync(rowA, Ct);
        var afterHeartbeat = await table.ReadAllAsync(Ct);
        Assert.Equal(2, afterHeartbeat.Version.Version);
        AssertClose(rowA.IAmAliveTime, Assert.Single(afterHeartbeat.Members).Item1.IAmAliveTime);

        // A silo that is not in the table: the version alone.
        var missing = await table.ReadRowAsync(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 44444), 1), Ct);
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task ConcurrentInserts_AtTheSameVersion_ExactlyOneWins(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var tables = Enumerable.Range(0, 4).Select(_ => Table(db.Connection, "race")).ToList();
        await tables[0].InitializeMembershipTableAsync(true, Ct);
        foreach (var t in tables.Skip(1))
        {
            await t.InitializeMembershipTableAsync(false, Ct);
        }

        var version = (await tables[0].ReadAllAsync(Ct)).Version;
        var results = await Task.WhenAll(tables.Select((t, i) => Task.Run(() => t.InsertRowAsync(Entry(20000 + i, SiloStatus.Joining), version.Next(), Ct), Ct)));

        Assert.Equal(1, results.Count(r => r));
        var after = await tables[0].ReadAllAsync(Ct);
        Assert.Single(after.Members);
        Assert.Equal(1, after.Version.Version);
    }

    [Theory]
    [InlineData(AdoNetDatabase.Sqlite)]
    [InlineData(AdoNetDatabase.Postgres)]
    public async Task Gateways_CleanupAndDelete_AreScopedToTheCluster(AdoNetDatabase kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind, Ct);
        await OrleansSchemaInstaller.InstallAsync(db.Connection, NullLogger.Instance, MaxWait, Ct);
        var blue = Table(db.Connection, "blue");
        var green = Table(db.Connection, "green");
        await blue.InitializeMembershipTableAsync(true, Ct);
        await green.InitializeMembershipTableAsync(true, Ct);

        var longAgo = DateTime.UtcNow.AddHours(-2);
        await InsertAsync(blue, Entry(1001, SiloStatus.Active, proxyPort: 31001));
        await InsertAsync(blue, Entry(1002, SiloStatus.Active, proxyPort: 0));
        await InsertAsync(blue, Entry(1003, SiloStatus.Joining, proxyPort: 31003));
        await InsertAsync(blue, Entry(1004, SiloStatus.Dead, proxyPort: 31004, since: longAgo));
        await InsertAsync(blue, Entry(1005, SiloStatus.Dead, proxyPort: 31005));
        await InsertAsync(green, Entry(2001, SiloStatus.Active, proxyPort: 32001));

        // Clients see Active silos with a gateway, of their own cluster only.
        var gateways = await GatewaysAsync(db.Connection, "blue");
        Assert.Equal([31001], gateways.Select(g => g.Port));
        Assert.Empty(await GatewaysAsync(db.Connection, "nobody"));

        // Only the Dead silo whose times are all before the cutoff goes.
        await blue.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct);
        var ports = (await blue.ReadAllAsync(Ct)).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToList();
        Assert.Equal([1001, 1002, 1003, 1005], ports);

        await blue.DeleteMembershipTableEntriesAsync("blue", Ct);
        Assert.Empty(await db.QueryAsync("SELECT * FROM OrleansMembershipTable WHERE DeploymentId = 'blue'", Ct));
        Assert.Empty(await db.QueryAsync("SELECT * FROM OrleansMembershipVersionTable WHERE DeploymentId = 'blue'", Ct));
        Assert.Single((await green.ReadAllAsync(Ct)).Members);
    }

    private static async Task InsertAsync(AdoNetClusteringTable table, MembershipEntry entry)
    {
        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(entry, version.Next()));
    }

    private async Task<IList<Uri>> GatewaysAsync(AdoNetConnection connection, string clusterId)
    {
        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            _services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = connection.Invariant, ConnectionString = connection.ConnectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId }));
        await provider.InitializeGatewayListProviderAsync(Ct);
        return await provider.GetGatewaysAsync(Ct);
    }

    private AdoNetClusteringTable Table(AdoNetConnection connection, string clusterId) => new(
        _services,
        Options.Create(new ClusterOptions { ClusterId = clusterId }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = connection.Invariant, ConnectionString = connection.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status, int proxyPort = 0, DateTime? since = null)
    {
        var time = since ?? DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 42),
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = proxyPort,
            StartTime = time,
            IAmAliveTime = time,
        };
    }

    // PostgreSQL keeps microseconds; .NET has 100 ns ticks.
    private static void AssertClose(DateTime expected, DateTime actual) =>
        Assert.True((expected - actual).Duration() < TimeSpan.FromMilliseconds(1), $"expected {expected:O}, got {actual:O}");
}
