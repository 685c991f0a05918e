using System.Net;
using OrleansDist.Telemetry;

namespace OrleansDist.Grains.Tests.Unit;

/// <summary>
/// Ports chosen together before any is bound (an embedded silo's silo, gateway and dashboard ports) must differ: the
/// system reported one free port twice in a row once, and a silo was refused for a gateway port equal to its silo port.
/// </summary>
public sealed class LocalPortsTests
{
    [Fact]
    public void PortsChosenAgainstOneSet_AreFreeAndAllDifferent()
    {
        var taken = new HashSet<int>();
        var chosen = Enumerable.Range(0, 200).Select(_ => LocalPorts.Free(taken)).ToList();

        Assert.Equal(200, chosen.Distinct().Count());
        Assert.True(taken.SetEquals(chosen));
        Assert.All(chosen.Take(5), port => Assert.True(LocalPorts.IsFree(IPAddress.Loopback, port), $"port {port} is not free"));
    }

    [Fact]
    public void APreferredPortAlreadyChosen_GivesWayToAnotherFreeOne()
    {
        var taken = new HashSet<int>();
        var preferred = LocalPorts.Free(taken);

        var other = LocalPorts.PreferredOrFree(preferred, taken);

        Assert.NotEqual(preferred, other);
        Assert.Equal(new[] { preferred, other }.Order(), taken.Order());
        Assert.True(LocalPorts.IsFree(IPAddress.Loopback, other), $"port {other} is not free");
    }

    [Fact]
    public void APreferredPortFreeAndNotChosen_IsTaken()
    {
        var taken = new HashSet<int>();
        var preferred = LocalPorts.Free();

        Assert.Equal(preferred, LocalPorts.PreferredOrFree(preferred, taken));
        Assert.Contains(preferred, taken);
    }

    [Fact]
    public void FreePorts_AreDrawnBelowTheEphemeralRange_WhereNoOutgoingConnectionTakesThem()
    {
        var (low, high) = LocalPorts.DrawRange;
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(ephemeralLow - 1, high);
        Assert.True(low < high, $"empty range {low}-{high}");
        var taken = new HashSet<int>();
        Assert.All(Enumerable.Range(0, 50).Select(_ => LocalPorts.Free(taken)), port => Assert.InRange(port, low, high));
    }

    [Fact]
    public async Task PortsHandedOutAcrossAProcess_NeverRepeat_EvenWhenAskedForAtOnce()
    {
        var asks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 50).Select(_ => LocalPorts.FreeNeverHandedOut()).ToList()));

        var ports = (await Task.WhenAll(asks)).SelectMany(p => p).ToList();

        Assert.Equal(400, ports.Distinct().Count());
    }
}
