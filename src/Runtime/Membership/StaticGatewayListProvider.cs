using System.Net;

namespace OrleansDist.Runtime.Membership;

/// <summary>A fixed list of gateway endpoints.</summary>
public sealed class StaticGatewayListProvider(IEnumerable<IPEndPoint> gateways) : IGatewayListProvider
{
    private readonly IReadOnlyList<IPEndPoint> _gateways = [.. gateways];

    public TimeSpan RefreshPeriod => TimeSpan.FromMinutes(1);

    public Task<IReadOnlyList<IPEndPoint>> GetGatewaysAsync(CancellationToken cancellationToken) => Task.FromResult(_gateways);
}
