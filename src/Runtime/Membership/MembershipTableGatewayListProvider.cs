using System.Net;

namespace OrleansDist.Runtime.Membership;

/// <summary>
/// Gateways from any membership table: every Active silo with a proxy (gateway) port, as <c>(silo ip, ProxyPort)</c>.
/// </summary>
public sealed class MembershipTableGatewayListProvider : IGatewayListProvider
{
    public static readonly TimeSpan DefaultRefreshPeriod = TimeSpan.FromSeconds(10);

    private readonly IMembershipTable _table;
    private volatile bool _initialized;

    public MembershipTableGatewayListProvider(IMembershipTable table, TimeSpan? refreshPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var period = refreshPeriod ?? DefaultRefreshPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(refreshPeriod));
        _table = table;
        RefreshPeriod = period;
    }

    public TimeSpan RefreshPeriod { get; }

    public async Task<IReadOnlyList<IPEndPoint>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            // A client never creates the version row (tryInitTableVersion: false), but the schema must exist before it reads.
            await _table.InitializeMembershipTable(tryInitTableVersion: false, cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }

        var data = await _table.ReadAll(cancellationToken).ConfigureAwait(false);
        var gateways = new List<IPEndPoint>();
        var seen = new HashSet<IPEndPoint>();
        foreach (var (entry, _) in data.Members)
        {
            if (entry.Status != SiloStatus.Active || entry.ProxyPort <= 0)
            {
                continue;
            }

            var endpoint = new IPEndPoint(entry.SiloAddress.Endpoint.Address, entry.ProxyPort);
            if (seen.Add(endpoint))
            {
                gateways.Add(endpoint);
            }
        }

        return gateways;
    }
}
