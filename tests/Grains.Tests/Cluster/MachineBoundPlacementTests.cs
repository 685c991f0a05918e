using Dist.GrainInterfaces.Diagnostics;
using OrleansDist.Grains.Placement;
using OrleansDist.Hosting;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>
/// Machine-bound grains on an embedded 3-silo cluster (real loopback TCP): each lands on the silo its key names, is down
/// (not moved) while that silo is stopped, and is never activated on another silo.
/// </summary>
public sealed class MachineBoundPlacementTests
{
    [Fact]
    public async Task A_grain_lands_on_the_silo_its_key_names_and_is_down_not_moved_when_that_silo_stops()
    {
        await using var cluster = await EmbeddedCluster.StartAsync(3);
        var client = cluster.Client;
        foreach (var silo in new[] { "silo0", "silo1", "silo2" })
        {
            for (var i = 0; i < 3; i++)
            {
                var where = await client.GetGrain<IMachineProbeGrain>(MachineBoundKey.Create(silo, $"probe-{i}")).Describe();
                Assert.Equal(silo, where.SiloName);
                Assert.Equal(Environment.ProcessId, where.ProcessId);
            }
        }

        await cluster.StopSiloAsync(2);
        // until membership declares silo2 dead, a call may still be routed to it and fail otherwise; afterwards placement refuses
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        MachineDownException? down = null;
        while (down is null && DateTime.UtcNow < deadline)
        {
            try
            {
                var where = await client.GetGrain<IMachineProbeGrain>(MachineBoundKey.Create("silo2", "probe-0")).Describe();
                Assert.Fail($"a grain bound to stopped silo2 answered from {where.SiloName}");
            }
            catch (MachineDownException ex)
            {
                down = ex;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(down);
        Assert.Equal("silo2", down.Machine);
        Assert.Contains("machine 'silo2' is down", down.Message, StringComparison.Ordinal);
        Assert.Contains("silo0, silo1", down.Message, StringComparison.Ordinal);

        // a grain never activated before is refused the same way, and the live machines still answer
        await Assert.ThrowsAsync<MachineDownException>(() => client.GetGrain<IMachineProbeGrain>(MachineBoundKey.Create("silo2", "fresh")).Describe());
        Assert.Equal("silo1", (await client.GetGrain<IMachineProbeGrain>(MachineBoundKey.Create("silo1", "probe-0")).Describe()).SiloName);
    }

    [Fact]
    public async Task A_key_naming_no_machine_or_an_unknown_one_is_refused_with_a_clear_message()
    {
        await using var cluster = await EmbeddedCluster.StartAsync(1);
        var unknown = await Assert.ThrowsAsync<MachineDownException>(() => cluster.Client.GetGrain<IMachineProbeGrain>("nosuch/probe").Describe());
        Assert.Contains("machine 'nosuch' is down", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("active: silo0", unknown.Message, StringComparison.Ordinal);
        var malformed = await Assert.ThrowsAsync<MachineDownException>(() => cluster.Client.GetGrain<IMachineProbeGrain>("no-separator").Describe());
        Assert.Contains("is not '<silo name>/<local id>'", malformed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo1/node-7", "silo1", "node-7")]
    [InlineData("a/b/c", "a", "b/c")]
    public void Keys_split_at_the_first_separator(string key, string machine, string local)
    {
        Assert.Equal((machine, local), MachineBoundKey.Parse(key));
        Assert.Equal(key, MachineBoundKey.Create(machine, local));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/x")]
    [InlineData("x/")]
    [InlineData("nothing")]
    public void Malformed_keys_do_not_parse(string key)
    {
        Assert.False(MachineBoundKey.TryParse(key, out _, out _));
        Assert.Throws<FormatException>(() => MachineBoundKey.Parse(key));
    }

    [Fact]
    public void A_machine_name_with_the_separator_is_refused() =>
        Assert.Throws<ArgumentException>(() => MachineBoundKey.Create("a/b", "x"));
}
