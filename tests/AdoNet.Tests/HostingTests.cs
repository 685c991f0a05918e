using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.AdoNet.Membership;
using OrleansDist.AdoNet.Persistence;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.AdoNet.Tests;

public sealed class HostingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SiloRegistrations_UseClusterOptions()
    {
        var builder = new TestBuilder();
        builder.Services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "blue";
            o.ServiceId = "shop";
        });
        var path = _directory.File("silo.db");
        builder.UseSqliteClustering(path).AddSqliteGrainStorage("Default", path).AddPostgresGrainStorage("pg", "Host=127.0.0.1;Port=1;Username=u;Database=d");

        await using var services = builder.Services.BuildServiceProvider();
        var table = Assert.IsType<SqliteMembershipTable>(services.GetRequiredService<IMembershipTable>());
        Assert.Equal("blue", table.ClusterId);
        Assert.Equal(path, table.FilePath);
        var storage = Assert.IsType<SqliteGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
        Assert.Equal("shop", storage.ServiceId);
        Assert.IsType<PostgresGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>("pg"));
    }

    [Fact]
    public async Task PostgresSiloRegistration_ResolvesWithoutConnecting()
    {
        var builder = new TestBuilder();
        builder.UsePostgresClustering("Host=127.0.0.1;Port=1;Username=u;Database=d");
        await using var services = builder.Services.BuildServiceProvider();
        var table = Assert.IsType<PostgresMembershipTable>(services.GetRequiredService<IMembershipTable>());
        Assert.Equal(ClusterOptions.DefaultClusterId, table.ClusterId);
    }

    [Fact]
    public async Task ClientRegistration_FindsGatewaysInTheSiloTable()
    {
        var path = _directory.File("cluster.db");
        var silo = new TestBuilder();
        silo.UseSqliteClustering(path);
        var client = new TestClientBuilder();
        client.UseSqliteClustering(path);
        await using var siloServices = silo.Services.BuildServiceProvider();
        await using var clientServices = client.Services.BuildServiceProvider();

        var table = siloServices.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTable(true, CancellationToken.None);
        var entry = MembershipTableConformanceTests.Entry(11111, proxyPort: 30000);
        Assert.True(await table.InsertRow(entry, new TableVersion(1, "1"), CancellationToken.None));

        var gateways = clientServices.GetRequiredService<IGatewayListProvider>();
        Assert.IsType<MembershipTableGatewayListProvider>(gateways);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 30000)], await gateways.GetGatewaysAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite:/var/lib/app/cluster.db", "sqlite", "/var/lib/app/cluster.db")]
    [InlineData("SQLite:relative/x.db", "sqlite", "relative/x.db")]
    [InlineData("postgres:Host=db;Port=5432;Username=app;Database=orleans", "postgres", "Host=db;Port=5432;Username=app;Database=orleans")]
    [InlineData("postgresql:Host=db", "postgres", "Host=db")]
    [InlineData("localhost", "localhost", "")]
    [InlineData(" LocalHost ", "localhost", "")]
    public void MembershipUri_ParsesValidSpecs(string spec, string scheme, string value)
    {
        Assert.Equal((scheme, value), MembershipUri.Parse(spec));
    }

    [Theory]
    [InlineData("redis:host", "Unknown membership scheme 'redis'. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("memory", "Unknown membership scheme 'memory'. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("sqlite:", "The membership spec 'sqlite:' lacks its value: expected sqlite:<path>. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("", "Empty membership spec. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    public void MembershipUri_RejectsOthersListingTheValidForms(string spec, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => MembershipUri.Parse(spec));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void StorageUri_AcceptsMemoryAndListsValidForms()
    {
        Assert.Equal(("memory", ""), StorageUri.Parse("memory"));
        Assert.Equal(("sqlite", "/tmp/s.db"), StorageUri.Parse("sqlite:/tmp/s.db"));
        Assert.Equal(("postgres", "Host=x"), StorageUri.Parse("postgres:Host=x"));
        var ex = Assert.Throws<ArgumentException>(() => StorageUri.Parse("redis:x"));
        Assert.Equal("Unknown storage scheme 'redis'. Valid: sqlite:<path>, postgres:<connection string>, memory, localhost", ex.Message);
    }

    private sealed class TestBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }

    private sealed class TestClientBuilder : IClientBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
