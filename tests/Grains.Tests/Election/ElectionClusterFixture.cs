using OrleansDist.Client;
using OrleansDist.AdoNet.Hosting;

namespace OrleansDist.Grains.Tests.Election;

/// <summary>One embedded 3-silo cluster (real loopback TCP, the product's silo configuration) for the election tests.</summary>
public sealed class ElectionClusterFixture : IAsyncLifetime
{
    private ExperimentCluster? _cluster;

    internal ExperimentCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    internal static CommonOptions.Settings Common { get; } =
        new([], (MembershipUri.Localhost, ""), "embedded", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _cluster = await ExperimentCluster.StartAsync(Common, useCluster: false, silos: 3, TextWriter.Null, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
