using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

public sealed class SmokeTests(ThreeSiloClusterFixture fixture) : IClassFixture<ThreeSiloClusterFixture>
{
    [Fact]
    public async Task ClientCallsGrain()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>("smoke");
        Assert.Equal(1, await grain.Increment());
        Assert.Equal(2, await grain.Increment());
    }
}
