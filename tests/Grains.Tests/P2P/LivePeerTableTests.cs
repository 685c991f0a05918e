using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class LivePeerTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_peer_that_misses_its_heartbeats_is_dropped()
    {
        var table = new LivePeerTable(TimeSpan.FromSeconds(3));
        Assert.True(table.Heartbeat(Peer("alice"), T0));
        Assert.True(table.Heartbeat(Peer("bob"), T0));
        Assert.False(table.Heartbeat(Peer("alice"), T0.AddSeconds(1)));
        Assert.Equal(2, table.Version);
        Assert.Empty(table.Expire(T0.AddSeconds(3)));
        Assert.Equal(["bob"], table.Expire(T0.AddSeconds(3.5)));
        Assert.Equal(3, table.Version);
        Assert.Contains("-bob", table.LastChange, StringComparison.Ordinal);
        Assert.Equal(["alice"], table.Snapshot().Peers.Select(p => p.Name));
    }

    [Fact]
    public void A_peer_that_moves_or_leaves_changes_the_list()
    {
        var table = new LivePeerTable(TimeSpan.FromSeconds(3));
        table.Heartbeat(Peer("alice"), T0);
        Assert.True(table.Heartbeat(Peer("alice") with { Silo = "other", GrainKey = "other/alice" }, T0));
        Assert.True(table.Leave("alice"));
        Assert.False(table.Leave("alice"));
        Assert.Empty(table.Snapshot().Peers);
        Assert.Equal(3, table.Snapshot().Version);
    }

    private static PeerInfo Peer(string name) => new() { Name = name, Silo = "silo-" + name, GrainKey = $"silo-{name}/{name}" };
}
