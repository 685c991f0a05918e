using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OrleansDist.Runtime.Hosting;

/// <summary>Identity and endpoints of one silo.</summary>
public sealed class SiloOptions
{
    /// <summary>Display name, also the target of <c>PlacementHint.PinToSilo</c>. Defaults to host name and silo port.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{0,64}$", ErrorMessage = "SiloName must be up to 64 letters, digits, '.', '_' or '-'.")]
    public string? SiloName { get; set; }

    /// <summary>Address other silos and clients use to reach this silo. Defaults to 127.0.0.1.</summary>
    public IPAddress AdvertisedIPAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Port for silo-to-silo traffic; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for clients; 0 means no gateway on this silo unless <see cref="GatewayPortAutomatic"/>.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>With <see cref="GatewayPort"/> 0, pick a free port instead of having no gateway (tests).</summary>
    public bool GatewayPortAutomatic { get; set; }

    /// <summary>Listen on every interface (0.0.0.0) rather than the advertised address only.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>How long a graceful stop may take before the remaining work is abandoned.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Development clustering: the silo at <see cref="PrimarySiloEndpoint"/> keeps the membership table in memory.</summary>
public sealed class DevelopmentClusteringOptions
{
    public IPEndPoint? PrimarySiloEndpoint { get; set; }
}
