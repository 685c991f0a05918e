using Orleans.Messaging;
using Orleans.Runtime.Membership;

namespace OrleansDist.AdoNet.Hosting;

/// <summary>
/// Orleans' ADO.NET gateway list, with the schema installed first. A client connects (and initialises its gateway
/// list) before its own lifecycle starts, so a lifecycle participant would come too late; wrapping the provider is
/// what really runs first. A client started before any silo thus reports "no gateway" instead of a missing table.
/// </summary>
internal sealed class SchemaInstallingGatewayListProvider(
    AdoNetConnection connection,
    SchemaInstallCoordinator coordinator,
    AdoNetGatewayListProvider inner) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => inner.MaxStaleness;

    [Obsolete("This attribute is no longer used and all providers are considered updatable")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    public async Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken)
    {
        await coordinator.EnsureInstalledAsync(connection, cancellationToken).ConfigureAwait(false);
        await inner.InitializeGatewayListProviderAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IList<Uri>> GetGateways() => inner.GetGatewaysAsync(CancellationToken.None);

    public Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken) => inner.GetGatewaysAsync(cancellationToken);
}
