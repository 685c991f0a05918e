using OrleansDist.Grains.Placement;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using OrleansDist.AdoNet;

namespace OrleansDist.Hosting;

/// <summary>Configures an Orleans silo the OrleansDist way, for the silo program, the embedded clusters and the tests.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder UseOrleansDist(this ISiloBuilder silo, OrleansDistSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        if (options.Name is { Length: > 0 } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = options.AdvertisedIp;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            var listen = options.ListenAddress;
            o.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
            o.GatewayListeningEndpoint = options.GatewayPort == 0 ? null : new IPEndPoint(listen, options.GatewayPort);
        });

        switch (options.Membership.Scheme)
        {
            case "sqlite" or "postgres":
                silo.UseOrleansDistClustering(AdoNetConnection.FromSpec(options.Membership.Scheme, options.Membership.Value));
                break;
            case "localhost":
                var primary = options.Primary ?? new IPEndPoint(options.AdvertisedIp, options.SiloPort);
                silo.UseDevelopmentClustering(primary);
                break;
            default:
                throw new ArgumentException($"unknown membership scheme '{options.Membership.Scheme}'", nameof(options));
        }

        switch (options.Storage.Scheme)
        {
            case "sqlite" or "postgres":
                var storage = AdoNetConnection.FromSpec(options.Storage.Scheme, options.Storage.Value);
                silo.AddOrleansDistGrainStorage(ClusterDefaults.GrainStorage, storage);
                silo.UseOrleansDistReminders(storage);
                break;
            default:
                silo.AddMemoryGrainStorageAsDefault();
                silo.UseInMemoryReminderService();
                break;
        }

        silo.Configure<ClusterMembershipOptions>(options.FastMembership ? MembershipProfile.ApplyFast : MembershipProfile.ApplyProduction);
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        silo.AddActivityPropagation();
        silo.AddMachineBoundPlacement();
        if (options.Tls is { } tls)
        {
            OrleansDistTls.ConfigureSilo(silo, tls);
        }

        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }
}
