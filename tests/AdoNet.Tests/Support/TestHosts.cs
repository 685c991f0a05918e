using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace OrleansDist.AdoNet.Tests.Support;

/// <summary>Real silos and clients (generic host, TCP on loopback) on an ADO.NET database, the way OrleansDist runs them.</summary>
internal static class TestHosts
{
    /// <summary>A grain storage that deletes the row on clear (DeleteStorageKey), beside "Default".</summary>
    public const string DeletingStorage = "Deleting";

    /// <summary>Starts a silo with clustering, grain storage "Default" and <see cref="DeletingStorage"/>, and reminders in <paramref name="connection"/>; returns once it is Active.</summary>
    public static async Task<IHost> StartSiloAsync(AdoNetConnection connection, string clusterId, string serviceId, CancellationToken cancellationToken, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Configure(builder.Logging, logs);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
            silo.UseOrleansDistClustering(connection)
                .AddOrleansDistGrainStorage("Default", connection)
                .AddOrleansDistGrainStorage(DeletingStorage, connection)
                .UseOrleansDistReminders(connection);
            silo.Services.Configure<AdoNetGrainStorageOptions>(DeletingStorage, o => o.DeleteStateOnClear = true);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Starts a client that finds its gateways in <paramref name="connection"/>. Orleans' default retry filter retries
    /// "no gateway" (SiloUnavailableException) 15 times with growing delays (about 3 minutes); with
    /// <paramref name="failFast"/> the client gives up on the first failure and throws what Orleans throws.
    /// </summary>
    public static async Task<IHost> StartClientAsync(AdoNetConnection connection, string clusterId, string serviceId, CancellationToken cancellationToken, bool failFast = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Configure(builder.Logging, null);
        builder.UseOrleansClient(client =>
        {
            if (failFast)
            {
                client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseOrleansDistClustering(connection);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }

    private static void Configure(ILoggingBuilder logging, ILoggerProvider? logs)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            logging.AddProvider(logs);
        }
    }
}
