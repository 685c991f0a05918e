using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.AdoNet.Tests.Support;
using Xunit.Abstractions;

namespace OrleansDist.AdoNet.Tests;

/// <summary>The hosting extensions: what they register, and how a silo or client start fails while the database is down.</summary>
public sealed class HostingTests(ITestOutputHelper output) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public void Silo_ThreeProvidersOnOneDatabase_OneInstallParticipant()
    {
        var connection = AdoNetConnection.Postgres("Host=127.0.0.1;Port=1;Username=u;Database=d");
        var other = AdoNetConnection.Postgres("Host=127.0.0.1;Port=2;Username=u;Database=d");
        var silo = new FakeSiloBuilder();
        silo.UseOrleansDistClustering(connection).AddOrleansDistGrainStorage("Default", connection).UseOrleansDistReminders(connection)
            .AddOrleansDistGrainStorage("Archive", other);

        Assert.Single(silo.Services, d => d.ImplementationType == typeof(SchemaInstallLifecycleParticipant));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(SchemaInstallCoordinator));
        var targets = silo.Services.Where(d => d.ServiceType == typeof(SchemaTarget)).Select(d => ((SchemaTarget)d.ImplementationInstance!).Connection).ToList();
        Assert.Equal([connection, other], targets.Distinct());
    }

    [Fact]
    public async Task Client_GatewayListInstallsTheSchemaFirst()
    {
        using var directory = new TempDirectory();
        var connection = AdoNetConnection.Sqlite(directory.File("client.db"));
        var client = new FakeClientBuilder();
        client.Services.AddLogging();
        client.Services.Configure<ClusterOptions>(o => o.ClusterId = "blue");
        client.UseOrleansDistClustering(connection);
        await using var services = client.Services.BuildServiceProvider();

        var gateways = services.GetRequiredService<IGatewayListProvider>();
        Assert.IsType<SchemaInstallingGatewayListProvider>(gateways);
        await gateways.InitializeGatewayListProviderAsync(Ct);
        Assert.Empty(await gateways.GetGatewaysAsync(Ct));
    }

    [Fact]
    public async Task Silo_DatabaseDown_StartFailsWithTheInstallerMessage()
    {
        var port = FreePorts.Next();
        var connection = AdoNetConnection.Postgres($"Host=127.0.0.1;Port={port};Username=app;Database=orleans");
        var logs = new ListLogger();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.Configure<AdoNetSchemaOptions>(o => o.MaxWait = TimeSpan.FromSeconds(1.5));
        builder.UseOrleans(silo =>
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
            silo.UseOrleansDistClustering(connection).AddOrleansDistGrainStorage("Default", connection);
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        output.WriteLine(ex.ToString());
        var install = FindInChain<SchemaInstallException>(ex);
        Assert.StartsWith($"database postgres 127.0.0.1:{port}/orleans still unreachable after 1.5 s", install.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Messages(LogLevel.Warning), m => m.StartsWith($"database postgres 127.0.0.1:{port}/orleans unreachable: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_DatabaseDown_StartFailsWithTheInstallerMessage()
    {
        var port = FreePorts.Next();
        var connection = AdoNetConnection.Postgres($"Host=127.0.0.1;Port={port};Username=app;Database=orleans");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.Configure<AdoNetSchemaOptions>(o => o.MaxWait = TimeSpan.FromSeconds(1));
        builder.UseOrleansClient(client => client.UseOrleansDistClustering(connection));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        output.WriteLine(ex.ToString());
        Assert.StartsWith($"database postgres 127.0.0.1:{port}/orleans still unreachable after 1 s", FindInChain<SchemaInstallException>(ex).Message, StringComparison.Ordinal);
    }

    private static T FindInChain<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                current = aggregate.InnerExceptions[0];
                if (current is T inner)
                {
                    return inner;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {exception}");
    }

    private sealed class FakeSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }

    private sealed class FakeClientBuilder : IClientBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
