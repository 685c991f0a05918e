using Orleans.TestingHost;
using Dist.GrainInterfaces.Diagnostics;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>
/// <see cref="IRegisterGrain.WriteIfVersion"/> on a one-silo TestingHost cluster with SQLite grain storage: a write whose
/// expected version is not the current one (a client's late or stale write) is refused and changes nothing, neither in
/// the activation nor in storage.
/// </summary>
public sealed class RegisterCompareAndSetTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("orleansdist-register-cas-tests-").FullName;
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster!;

    public async Task InitializeAsync() =>
        _cluster = await TestClusters.DeployAsync(TestClusters.Builder(1, sqliteStorage: Path.Combine(_stateDirectory, "state.db")));

    public async Task DisposeAsync()
    {
        try
        {
            if (_cluster is not null)
            {
                await TestClusters.DisposeAsync(_cluster);
            }
        }
        finally
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_write_with_the_current_version_is_applied_and_one_with_a_stale_version_is_refused_and_changes_nothing()
    {
        var register = Cluster.Client.GetGrain<IRegisterGrain>(4242);
        var silo = Cluster.Silos[0].Name;

        var first = await register.WriteIfVersion(0, "a");
        Assert.Equal(new RegisterWriteResult(true, new RegisterValue("a", 1, silo)), first);
        var second = await register.WriteIfVersion(1, "b");
        Assert.Equal(new RegisterWriteResult(true, new RegisterValue("b", 2, silo)), second);

        // a late write built on version 1 (as a client's timed-out write landing after a newer one): refused
        var late = await register.WriteIfVersion(1, "late");
        Assert.Equal(new RegisterWriteResult(false, new RegisterValue("b", 2, silo)), late);
        // a version from the future too
        Assert.False((await register.WriteIfVersion(7, "future")).Applied);
        Assert.Equal(new RegisterValue("b", 2, silo), await register.Read());

        // nothing reached storage either: a fresh activation reads "b", version 2, and continues from there
        await Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await WaitForDeactivationAsync();
        Assert.Equal(new RegisterValue("b", 2, silo), await register.Read());
        Assert.True((await register.WriteIfVersion(2, "c")).Applied);
        Assert.Equal(new RegisterValue("c", 3, silo), await register.Read());

        // the unconditional Write still bumps the version
        await register.Write("d");
        Assert.Equal(new RegisterValue("d", 4, silo), await register.Read());
    }

    private async Task WaitForDeactivationAsync()
    {
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await management.GetDetailedGrainStatistics()).Any(s => s.GrainType.Contains("RegisterGrain", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the register activation was not collected");
            await Task.Delay(100);
        }
    }
}
