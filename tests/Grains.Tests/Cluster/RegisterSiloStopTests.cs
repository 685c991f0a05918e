using Orleans.TestingHost;
using Dist.GrainInterfaces.Diagnostics;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>
/// The product's <see cref="IRegisterGrain"/> on a 3-silo TestingHost cluster whose grain storage is a SQLite file (through
/// src/AdoNet, as <c>--storage sqlite:PATH</c> configures it): its state outlives the silo that wrote it.
/// </summary>
public sealed class RegisterSiloStopTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("orleansdist-register-tests-").FullName;
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster!;

    public async Task InitializeAsync() =>
        _cluster = await TestClusters.DeployAsync(TestClusters.Builder(3, sqliteStorage: Path.Combine(_stateDirectory, "state.db")));

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
    public async Task State_written_through_the_register_grain_survives_a_silo_stop_and_is_read_back_from_another_silo()
    {
        // silo 0 is the primary (it keeps the membership table): the victim is silo 1, the reader lives on silo 2
        var victim = Cluster.Silos[1];
        var readerSilo = Cluster.Silos[2];
        var reader = Cluster.Client.GetGrain<ICallerGrain>("register-reader");
        Assert.Equal(readerSilo.SiloAddress, await TestClusters.OnSiloAsync(readerSilo.SiloAddress, reader.Silo));

        var register = Cluster.Client.GetGrain<IRegisterGrain>(42);
        await TestClusters.OnSiloAsync(victim.SiloAddress, async () =>
        {
            await register.Write("first");
            return 0;
        });
        await register.Write("second");
        var before = await register.Read();
        Assert.Equal(new RegisterValue("second", 2, victim.Name), before);

        // a host stop with a cancelled token, in this process: not a crash (tests/Cluster.Tests kills processes)
        await Cluster.KillSiloAsync(victim).WaitAsync(Timeout);
        Assert.DoesNotContain(victim, Cluster.Silos);

        var after = await TestClusters.RetryAsync(() => reader.ReadRegister(42), Timeout);
        Assert.Equal("second", after.Value);
        Assert.Equal(2, after.Version);
        Assert.NotEqual(victim.Name, after.SiloName);
        Assert.Contains(after.SiloName, Cluster.Silos.Select(s => s.Name));

        // the next write continues from the stored version, on the activation the reader woke up
        await register.Write("third");
        Assert.Equal(new RegisterValue("third", 3, after.SiloName), await register.Read());
    }
}
