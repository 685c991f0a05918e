using System.Net;
using Orleans.Configuration;
using OrleansDist.AdoNet;

namespace OrleansDist.Hosting;

/// <summary>Configures an Orleans client the OrleansDist way.</summary>
public static class ClientBuilderExtensions
{
    public static IClientBuilder UseOrleansDist(this IClientBuilder client, OrleansDistClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        if (options.Gateways.Count > 0)
        {
            client.UseStaticClustering([.. options.Gateways]);
        }
        else if (options.Membership.IsDatabase)
        {
            client.UseOrleansDistClustering(AdoNetConnection.FromSpec(options.Membership.Scheme, options.Membership.Value));
        }
        else
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, ClusterDefaults.GatewayPort));
        }

        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
        client.AddActivityPropagation();
        if (options.Tls is { } tls)
        {
            OrleansDistTls.ConfigureClient(client, tls);
        }

        return client;
    }
}
