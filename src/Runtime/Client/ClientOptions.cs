using System.ComponentModel.DataAnnotations;

namespace OrleansDist.Runtime.Client;

public sealed class ClientOptions
{
    /// <summary>How long <c>ConnectAsync</c> keeps trying the gateways before it gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan InitialConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between reconnection attempts after the gateway connection is lost.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
