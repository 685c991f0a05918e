using System.Net;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Tests;

/// <summary>The same contract, checked against the in-memory, SQLite and PostgreSQL membership tables.</summary>
public sealed class MembershipTableConformanceTests : IAsyncLifetime
{
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
    public async Task InitializeMembershipTable_TwiceAndFromASecondInstance_IsIdempotent(string provider)
    {
        var scope = Scope(provider);
        var cluster = TestIds.New("init");
        var table = scope.Membership(cluster);
        await table.InitializeMembershipTable(true, Ct);
        await table.InitializeMembershipTable(true, Ct);

        var empty = await table.ReadAll(Ct);
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        Assert.True(await table.InsertRow(Entry(11111), empty.Version.Next(), Ct));

        var second = scope.Membership(cluster);
        await second.InitializeMembershipTable(true, Ct);
        await table.InitializeMembershipTable(true, Ct);
        var data = await second.ReadAll(Ct);
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task InsertRow_ThenReadAll_ReturnsEveryField(string provider)
    {
        var table = await NewTableAsync(provider);
        var now = Now();
        var voter = new SiloAddress(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 11111), 42);
        var entry = new MembershipEntry
        {
            SiloAddress = new SiloAddress(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 11112), 12345),
            Status = SiloStatus.Joining,
            SiloName = "silo-a",
            HostName = "host-a.example",
            ProxyPort = 30000,
            SuspectTimes = [new SuspectVote(voter, now.AddSeconds(-3)), new SuspectVote(voter, now.AddTicks(1234567))],
            StartTime = now.AddMinutes(-1),
            IAmAliveTime = now,
        };
        var ipv6 = Entry(22222, address: IPAddress.IPv6Loopback);

        var initial = await table.ReadAll(Ct);
        Assert.True(await table.InsertRow(entry, initial.Version.Next(), Ct));
        Assert.True(await table.InsertRow(ipv6, initial.Version.Next().Next(), Ct));

        var data = await table.ReadAll(Ct);
        Assert.Equal(2, data.Version.Version);
        Assert.Equal(2, data.Members.Count);
        var (read, etag) = data.Find(entry.SiloAddress) ?? throw new Xunit.Sdk.XunitException("row not found");
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal("silo-a", read.SiloName);
        Assert.Equal("host-a.example", read.HostName);
        Assert.Equal(30000, read.ProxyPort);
        Assert.Equal(entry.StartTime, read.StartTime);
        Assert.Equal(entry.IAmAliveTime, read.IAmAliveTime);
        Assert.Equal(TimeSpan.Zero, read.IAmAliveTime.Offset);
        Assert.Equal(entry.SuspectTimes, read.SuspectTimes);
        Assert.NotNull(data.Find(ipv6.SiloAddress));

        // What ReadAll hands out is a copy: changing it does not change the table.
        read.Status = SiloStatus.Dead;
        var again = await table.ReadAll(Ct);
        Assert.Equal(SiloStatus.Joining, again.Find(entry.SiloAddress)!.Value.Entry.Status);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task InsertRow_WithStaleVersion_ReturnsFalseAndChangesNothing(string provider)
    {
        var table = await NewTableAsync(provider);
        var snapshot = await table.ReadAll(Ct);
        var a = Entry(1001);
        var b = Entry(1002);

        Assert.True(await table.InsertRow(a, snapshot.Version.Next(), Ct));
        Assert.False(await table.InsertRow(b, snapshot.Version.Next(), Ct));

        var data = await table.ReadAll(Ct);
        Assert.Equal(1, data.Version.Version);
        Assert.Null(data.Find(b.SiloAddress));

        // A fresh version but an existing row: false, and the version bump is rolled back.
        Assert.False(await table.InsertRow(a, data.Version.Next(), Ct));
        Assert.Equal(1, (await table.ReadAll(Ct)).Version.Version);

        // A version from the future is as wrong as a stale one.
        Assert.False(await table.InsertRow(b, new TableVersion(5, "5"), Ct));
        Assert.True(await table.InsertRow(b, data.Version.Next(), Ct));
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task UpdateRow_WithWrongEtagOrStaleVersion_ReturnsFalse(string provider)
    {
        var table = await NewTableAsync(provider);
        var a = Entry(2001, SiloStatus.Joining);
        Assert.True(await table.InsertRow(a, (await table.ReadAll(Ct)).Version.Next(), Ct));
        var data = await table.ReadAll(Ct);
        var (entry, etag) = data.Find(a.SiloAddress)!.Value;

        var active = entry.Copy();
        active.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRow(active, "999", data.Version.Next(), Ct));
        Assert.False(await table.UpdateRow(active, "not-an-etag", data.Version.Next(), Ct));
        Assert.False(await table.UpdateRow(active, etag, data.Version, Ct));
        Assert.False(await table.UpdateRow(Entry(2002), etag, data.Version.Next(), Ct));

        var unchanged = await table.ReadAll(Ct);
        Assert.Equal(1, unchanged.Version.Version);
        Assert.Equal(SiloStatus.Joining, unchanged.Find(a.SiloAddress)!.Value.Entry.Status);
        Assert.Equal(etag, unchanged.Find(a.SiloAddress)!.Value.ETag);

        Assert.True(await table.UpdateRow(active, etag, data.Version.Next(), Ct));
        var updated = await table.ReadAll(Ct);
        Assert.Equal(2, updated.Version.Version);
        var (updatedEntry, updatedEtag) = updated.Find(a.SiloAddress)!.Value;
        Assert.Equal(SiloStatus.Active, updatedEntry.Status);
        Assert.NotEqual(etag, updatedEtag);

        // The old etag no longer matches, even with a fresh version.
        var dead = updatedEntry.Copy();
        dead.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRow(dead, etag, updated.Version.Next(), Ct));
        Assert.True(await table.UpdateRow(dead, updatedEtag, updated.Version.Next(), Ct));
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task InsertRow_FromTenConcurrentSilosWithRetry_InsertsAllAndVersionIsTen(string provider)
    {
        var scope = Scope(provider);
        var cluster = TestIds.New("race");
        await scope.Membership(cluster).InitializeMembershipTable(true, Ct);

        // Each silo has its own table instance (its own connections), as separate processes would.
        var tables = Enumerable.Range(0, 10).Select(_ => scope.Membership(cluster)).ToList();
        var tasks = Enumerable.Range(0, 10).Select(i => Task.Run(
            async () =>
            {
                var table = tables[i];
                var entry = Entry(3000 + i);
                for (var attempt = 0; attempt < 500; attempt++)
                {
                    var data = await table.ReadAll(Ct);
                    if (await table.InsertRow(entry, data.Version.Next(), Ct))
                    {
                        return attempt;
                    }

                    await Task.Delay(Random.Shared.Next(1, 15), Ct);
                }

                throw new Xunit.Sdk.XunitException($"silo {i} never got its row in");
            },
            Ct)).ToList();
        await Task.WhenAll(tasks);

        var final = await scope.Membership(cluster).ReadAll(Ct);
        Assert.Equal(10, final.Members.Count);
        Assert.Equal(10, final.Version.Version);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task UpdateIAmAlive_ChangesNeitherVersionNorEtag(string provider)
    {
        var table = await NewTableAsync(provider);
        var a = Entry(4001);
        Assert.True(await table.InsertRow(a, (await table.ReadAll(Ct)).Version.Next(), Ct));
        var before = await table.ReadAll(Ct);
        var (entry, etag) = before.Find(a.SiloAddress)!.Value;

        var alive = entry.Copy();
        alive.IAmAliveTime = entry.IAmAliveTime.AddMinutes(5);
        await table.UpdateIAmAlive(alive, Ct);

        var after = await table.ReadAll(Ct);
        Assert.Equal(before.Version.Version, after.Version.Version);
        var (afterEntry, afterEtag) = after.Find(a.SiloAddress)!.Value;
        Assert.Equal(etag, afterEtag);
        Assert.Equal(alive.IAmAliveTime, afterEntry.IAmAliveTime);

        // So a status change based on the earlier read still goes through.
        var dead = entry.Copy();
        dead.Status = SiloStatus.Dead;
        Assert.True(await table.UpdateRow(dead, etag, before.Version.Next(), Ct));

        // IAmAlive of an unknown silo is a no-op.
        await table.UpdateIAmAlive(Entry(4999), Ct);
        Assert.Single((await table.ReadAll(Ct)).Members);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task CleanupDefunctSiloEntries_DeletesOnlyOldDeadRows(string provider)
    {
        var table = await NewTableAsync(provider);
        var now = Now();
        var deadOld = Entry(5001, SiloStatus.Dead, iAmAlive: now.AddHours(-2));
        var deadRecent = Entry(5002, SiloStatus.Dead, iAmAlive: now.AddMinutes(-1));
        var activeOld = Entry(5003, SiloStatus.Active, iAmAlive: now.AddHours(-2));
        foreach (var entry in new[] { deadOld, deadRecent, activeOld })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll(Ct)).Version.Next(), Ct));
        }

        await table.CleanupDefunctSiloEntries(now.AddHours(-1), Ct);

        var data = await table.ReadAll(Ct);
        Assert.Null(data.Find(deadOld.SiloAddress));
        Assert.NotNull(data.Find(deadRecent.SiloAddress));
        Assert.NotNull(data.Find(activeOld.SiloAddress));
        Assert.Equal(3, data.Version.Version);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task TwoClusterIds_AreIsolated(string provider)
    {
        var scope = Scope(provider);
        var x = scope.Membership(TestIds.New("x"));
        var y = scope.Membership(TestIds.New("y"));
        await x.InitializeMembershipTable(true, Ct);
        await y.InitializeMembershipTable(true, Ct);

        var same = Entry(6001);
        Assert.True(await x.InsertRow(same, new TableVersion(1, "1"), Ct));
        Assert.True(await y.InsertRow(same, new TableVersion(1, "1"), Ct));
        Assert.True(await x.InsertRow(Entry(6002), new TableVersion(2, "2"), Ct));

        Assert.Equal(2, (await x.ReadAll(Ct)).Members.Count);
        var yData = await y.ReadAll(Ct);
        Assert.Single(yData.Members);
        Assert.Equal(1, yData.Version.Version);

        await x.DeleteMembershipTableEntries(Ct);
        var xData = await x.ReadAll(Ct);
        Assert.Empty(xData.Members);
        Assert.Equal(0, xData.Version.Version);
        Assert.Single((await y.ReadAll(Ct)).Members);
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task InsertRow_WithoutVersionRow_ReturnsFalseUntilInitialized(string provider)
    {
        var table = Scope(provider).Membership(TestIds.New("noversion"));
        await table.InitializeMembershipTable(false, Ct);
        var data = await table.ReadAll(Ct);
        Assert.Equal(0, data.Version.Version);
        Assert.False(await table.InsertRow(Entry(7001), data.Version.Next(), Ct));

        await table.InitializeMembershipTable(true, Ct);
        Assert.True(await table.InsertRow(Entry(7001), data.Version.Next(), Ct));
    }

    [Theory]
    [LocalProvidersData]
    [PostgresData]
    public async Task GatewayListProvider_ReturnsActiveSilosWithProxyPort(string provider)
    {
        var table = await NewTableAsync(provider);
        var rows = new[]
        {
            Entry(8001, SiloStatus.Active, proxyPort: 30001),
            Entry(8002, SiloStatus.Active, proxyPort: 0),
            Entry(8003, SiloStatus.Dead, proxyPort: 30003),
            Entry(8004, SiloStatus.Joining, proxyPort: 30004),
        };
        foreach (var row in rows)
        {
            Assert.True(await table.InsertRow(row, (await table.ReadAll(Ct)).Version.Next(), Ct));
        }

        var gateways = new MembershipTableGatewayListProvider(table);
        Assert.Equal(TimeSpan.FromSeconds(10), gateways.RefreshPeriod);
        var endpoints = await gateways.GetGatewaysAsync(Ct);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 30001)], endpoints);
    }

    internal static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Active, DateTimeOffset? iAmAlive = null, int proxyPort = 0, IPAddress? address = null)
    {
        var now = Now();
        return new MembershipEntry
        {
            SiloAddress = new SiloAddress(new IPEndPoint(address ?? IPAddress.Loopback, port), 100 + port),
            Status = status,
            SiloName = $"silo-{port}",
            HostName = "localhost",
            ProxyPort = proxyPort,
            StartTime = now.AddSeconds(-10),
            IAmAliveTime = iAmAlive ?? now,
        };
    }

    /// <summary>UTC now at whole milliseconds (PostgreSQL keeps microseconds, so sub-microsecond ticks would not round-trip).</summary>
    internal static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    private ProviderScope Scope(string provider)
    {
        var scope = new ProviderScope(provider);
        _scopes.Add(scope);
        return scope;
    }

    private async Task<IMembershipTable> NewTableAsync(string provider)
    {
        var table = Scope(provider).Membership(TestIds.New("c"));
        await table.InitializeMembershipTable(true, Ct);
        return table;
    }
}
