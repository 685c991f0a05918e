using OrleansDist.TestingHost;

namespace OrleansDist.Tests;

/// <summary>A 3-silo cluster shared by the tests of one class.</summary>
public sealed class ThreeSiloClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(3).Build();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
