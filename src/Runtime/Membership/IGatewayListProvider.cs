using System.Net;

namespace OrleansDist.Runtime.Membership;

/// <summary>Where a client finds gateways: a fixed list, or the Active silos of a membership table.</summary>
public interface IGatewayListProvider
{
    /// <summary>How often the client asks again.</summary>
    TimeSpan RefreshPeriod { get; }

    Task<IReadOnlyList<IPEndPoint>> GetGatewaysAsync(CancellationToken cancellationToken);
}
