using System.Net;

namespace OrleansDist.Hosting;

/// <summary>How a client finds and talks to the cluster.</summary>
public sealed record OrleansDistClientOptions
{
    public string ClusterId { get; init; } = ClusterDefaults.ClusterId;

    public string ServiceId { get; init; } = ClusterDefaults.ServiceId;

    /// <summary>Gateways to use; when empty, the gateways are read from <see cref="Membership"/>.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];

    /// <summary>sqlite:PATH or postgres:CONNSTR to read the gateways from (ignored when <see cref="Gateways"/> is set).</summary>
    public ProviderSpec Membership { get; init; } = new("localhost", "");

    /// <summary>How long a grain call may take before it fails with a TimeoutException.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the client rereads the gateway list from the membership table. 10 s instead of Orleans' 60 s: a
    /// partitioned silo refuses nothing, so a long-lived client keeps sending the calls it routes through that silo's
    /// gateway into a dead connection until the refresh (measured in the namespace lab: 53.5 s with 60 s).
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Mutual TLS to the gateways (this client's certificate, our CA); null = plain TCP (the default).</summary>
    public TlsCredentials? Tls { get; init; }
}
