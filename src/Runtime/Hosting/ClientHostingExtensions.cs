using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansDist.Runtime.Client;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;

namespace OrleansDist.Hosting;

/// <summary>Configures cluster clients.</summary>
public static class ClientHostingExtensions
{
    /// <summary>Registers an <see cref="IClusterClient"/> that connects when the host starts.</summary>
    public static IServiceCollection AddOrleansDistClient(this IServiceCollection services, IConfiguration configuration, Action<Runtime.Hosting.IClientBuilder> configure)
    {
        services.AddOptions<ClientOptions>();
        services.AddOptions<Runtime.Hosting.ClusterOptions>();
        services.AddOptions<MessagingOptions>();
        services.AddSingleton<IValidateOptions<ClientOptions>, Runtime.Hosting.ValidateOptionsWithDataAnnotations<ClientOptions>>();
        services.AddSingleton<IValidateOptions<Runtime.Hosting.ClusterOptions>, Runtime.Hosting.ValidateOptionsWithDataAnnotations<Runtime.Hosting.ClusterOptions>>();
        services.AddSingleton<IValidateOptions<MessagingOptions>, Runtime.Hosting.ValidateOptionsWithDataAnnotations<MessagingOptions>>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<ClusterClient>();
        services.AddSingleton<IClusterClient>(sp => sp.GetRequiredService<ClusterClient>());
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterClient>());
        services.AddHostedService<ClusterClientHostedService>();
        configure(new ClientBuilder(services, configuration));
        return services;
    }

    public static Runtime.Hosting.IClientBuilder Configure<TOptions>(this Runtime.Hosting.IClientBuilder builder, Action<TOptions> configure) where TOptions : class
    {
        builder.Services.Configure(configure);
        return builder;
    }

    public static Runtime.Hosting.IClientBuilder UseLocalhostClustering(this Runtime.Hosting.IClientBuilder builder, int gatewayPort = 30000, string clusterId = Runtime.Hosting.ClusterOptions.DefaultClusterId) =>
        builder.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort)).Configure<Runtime.Hosting.ClusterOptions>(o => o.ClusterId = clusterId);

    public static Runtime.Hosting.IClientBuilder UseStaticClustering(this Runtime.Hosting.IClientBuilder builder, params IPEndPoint[] gateways)
    {
        if (gateways.Length == 0)
        {
            throw new ArgumentException("Static clustering needs at least one gateway endpoint", nameof(gateways));
        }

        builder.Services.AddSingleton<IGatewayListProvider>(new StaticGatewayListProvider(gateways));
        return builder;
    }

    public static Runtime.Hosting.IClientBuilder UseGatewayListProvider(this Runtime.Hosting.IClientBuilder builder, IGatewayListProvider provider)
    {
        builder.Services.AddSingleton(provider);
        return builder;
    }

    /// <summary>Builds a client outside any host and connects it; dispose it to disconnect.</summary>
    public static async Task<ClusterClient> ConnectClientAsync(Action<Runtime.Hosting.IClientBuilder> configure, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        if (loggers is not null)
        {
            services.AddSingleton(loggers);
        }

        services.AddOrleansDistClient(new ConfigurationBuilder().Build(), configure);
        var provider = services.BuildServiceProvider();
        ValidateNow<ClientOptions>(provider);
        ValidateNow<Runtime.Hosting.ClusterOptions>(provider);
        ValidateNow<MessagingOptions>(provider);
        var client = provider.GetRequiredService<ClusterClient>();
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    private static void ValidateNow<TOptions>(IServiceProvider provider) where TOptions : class => _ = provider.GetRequiredService<IOptions<TOptions>>().Value;

    private sealed class ClientBuilder(IServiceCollection services, IConfiguration configuration) : Runtime.Hosting.IClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IConfiguration Configuration { get; } = configuration;
    }

    private sealed class ClusterClientHostedService(ClusterClient client) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => client.ConnectAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => client.DisposeAsync().AsTask();
    }
}
