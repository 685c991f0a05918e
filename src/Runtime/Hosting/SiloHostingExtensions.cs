using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Activation;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Persistence;

namespace OrleansDist.Hosting;

/// <summary>Adds a silo to a generic host and configures it, in the Microsoft.Extensions style that Orleans uses.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Runs an OrleansDist silo in this host.</summary>
    public static IHostApplicationBuilder UseOrleansDist(this IHostApplicationBuilder builder, Action<Runtime.Hosting.ISiloBuilder> configure)
    {
        builder.Services.AddOrleansDistSilo(builder.Configuration, configure);
        return builder;
    }

    public static IHostBuilder UseOrleansDist(this IHostBuilder builder, Action<HostBuilderContext, Runtime.Hosting.ISiloBuilder> configure) =>
        builder.ConfigureServices((context, services) => services.AddOrleansDistSilo(context.Configuration, silo => configure(context, silo)));

    public static IServiceCollection AddOrleansDistSilo(this IServiceCollection services, IConfiguration configuration, Action<Runtime.Hosting.ISiloBuilder> configure)
    {
        var builder = new SiloBuilder(services, configuration);
        services.AddOptions<Runtime.Hosting.SiloOptions>();
        services.AddOptions<Runtime.Hosting.ClusterOptions>();
        services.AddOptions<MessagingOptions>();
        services.AddOptions<ClusterMembershipOptions>();
        services.AddOptions<GrainCollectionOptions>();
        AddValidation<Runtime.Hosting.SiloOptions>(services);
        AddValidation<Runtime.Hosting.ClusterOptions>(services);
        AddValidation<MessagingOptions>(services);
        AddValidation<ClusterMembershipOptions>(services);
        AddValidation<GrainCollectionOptions>(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Runtime.Hosting.Silo>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<Runtime.Hosting.Silo>().GrainFactory);
        services.AddSingleton<OrleansDist.Membership.IClusterMembershipService, ClusterMembershipService>();
        services.AddHostedService<Runtime.Hosting.SiloHostedService>();
        configure(builder);
        return services;
    }

    private static void AddValidation<TOptions>(IServiceCollection services) where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>, Runtime.Hosting.ValidateOptionsWithDataAnnotations<TOptions>>();
        services.AddOptions<TOptions>().ValidateOnStart();
    }

    public static Runtime.Hosting.ISiloBuilder Configure<TOptions>(this Runtime.Hosting.ISiloBuilder builder, Action<TOptions> configure) where TOptions : class
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// One machine: silos on 127.0.0.1, the first at <paramref name="siloPort"/> (the primary, which keeps the membership table)
    /// unless <paramref name="primarySiloEndpoint"/> names another.
    /// </summary>
    public static Runtime.Hosting.ISiloBuilder UseLocalhostClustering(
        this Runtime.Hosting.ISiloBuilder builder, int siloPort = 11111, int gatewayPort = 30000, IPEndPoint? primarySiloEndpoint = null,
        string clusterId = Runtime.Hosting.ClusterOptions.DefaultClusterId, string serviceId = Runtime.Hosting.ClusterOptions.DefaultServiceId)
    {
        builder.Services.Configure<Runtime.Hosting.SiloOptions>(o =>
        {
            o.AdvertisedIPAddress = IPAddress.Loopback;
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
        });
        builder.Services.Configure<Runtime.Hosting.ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        builder.Services.Configure<Runtime.Hosting.DevelopmentClusteringOptions>(o => o.PrimarySiloEndpoint = primarySiloEndpoint ?? new IPEndPoint(IPAddress.Loopback, 11111));
        return builder;
    }

    /// <summary>A fixed list of silo endpoints; the first one keeps the membership table (development clustering).</summary>
    public static Runtime.Hosting.ISiloBuilder UseStaticClustering(this Runtime.Hosting.ISiloBuilder builder, params IPEndPoint[] siloEndpoints)
    {
        if (siloEndpoints.Length == 0)
        {
            throw new ArgumentException("Static clustering needs at least one silo endpoint", nameof(siloEndpoints));
        }

        builder.Services.Configure<Runtime.Hosting.DevelopmentClusteringOptions>(o => o.PrimarySiloEndpoint = siloEndpoints[0]);
        return builder;
    }

    /// <summary>A membership table shared in memory by silos of one process (the in-process test cluster).</summary>
    public static Runtime.Hosting.ISiloBuilder UseInMemoryClustering(this Runtime.Hosting.ISiloBuilder builder, IMembershipTable table)
    {
        builder.Services.AddSingleton(table);
        return builder;
    }

    /// <summary>Grain state in this silo's memory: lost when the silo stops. For tests and experiments.</summary>
    public static Runtime.Hosting.ISiloBuilder AddMemoryGrainStorage(this Runtime.Hosting.ISiloBuilder builder, string name = GrainStorageNames.Default, InMemoryGrainStorage? shared = null)
    {
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, shared ?? new InMemoryGrainStorage());
        return builder;
    }

    public static Runtime.Hosting.ISiloBuilder AddGrainAssembly(this Runtime.Hosting.ISiloBuilder builder, Assembly assembly)
    {
        builder.Services.AddSingleton(new Runtime.Hosting.GrainAssembly(assembly));
        return builder;
    }

    private sealed class SiloBuilder(IServiceCollection services, IConfiguration configuration) : Runtime.Hosting.ISiloBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IConfiguration Configuration { get; } = configuration;
    }
}
