using System.Net;

namespace OrleansDist.Hosting;

/// <summary>Everything that makes one OrleansDist silo: identity, endpoints, membership, storage and timing.</summary>
public sealed record OrleansDistSiloOptions
{
    public string ClusterId { get; init; } = ClusterDefaults.ClusterId;

    public string ServiceId { get; init; } = ClusterDefaults.ServiceId;

    /// <summary>The silo's name in the membership table; null lets Orleans choose one.</summary>
    public string? Name { get; init; }

    /// <summary>The address other silos and clients connect to.</summary>
    public IPAddress AdvertisedIp { get; init; } = IPAddress.Loopback;

    public int SiloPort { get; init; } = ClusterDefaults.SiloPort;

    /// <summary>0 = no gateway (clients cannot connect through this silo).</summary>
    public int GatewayPort { get; init; } = ClusterDefaults.GatewayPort;

    /// <summary>Listen on every interface rather than only the advertised address.</summary>
    public bool ListenAny { get; init; }

    /// <summary>Where the silo's listeners bind: every interface of the advertised address's family, or that address.</summary>
    public IPAddress ListenAddress => !ListenAny ? AdvertisedIp
        : AdvertisedIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;

    /// <summary>sqlite:PATH, postgres:CONNSTR, or localhost (development clustering: the primary silo keeps the table in memory).</summary>
    public ProviderSpec Membership { get; init; } = new("localhost", "");

    /// <summary>With localhost membership: the primary silo's silo endpoint (this silo is the primary when it is its own endpoint).</summary>
    public IPEndPoint? Primary { get; init; }

    /// <summary>sqlite:PATH, postgres:CONNSTR or memory: where grain state and reminders live.</summary>
    public ProviderSpec Storage { get; init; } = new("memory", "");

    /// <summary>Test profile: a crashed silo is declared dead within about 2 s (<see cref="MembershipProfile.ApplyFast"/>).</summary>
    public bool FastMembership { get; init; }

    /// <summary>How long a grain call may take before it fails with a TimeoutException.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Mutual TLS on the silo and gateway ports and to other silos; null = plain TCP (the default).</summary>
    public TlsCredentials? Tls { get; init; }
}
