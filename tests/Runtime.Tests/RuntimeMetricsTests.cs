using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.Placement;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Telemetry;
using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

/// <summary>Each instrument of the OrleansDist meter moves, tagged with where it was measured.</summary>
public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task CallMessageActivationAndMembershipInstrumentsMoveOnSilosAndClient()
    {
        using var capture = new TelemetryCapture();
        var prefix = TelemetryCapture.NewPrefix();
        await using var cluster = TelemetryCapture.ClusterBuilder(2, prefix).Build();
        await cluster.DeployAsync();
        string silo1 = cluster.Silos[0].Silo.SiloName, silo2 = cluster.Silos[1].Silo.SiloName;
        var client = (RuntimeTelemetry.ClientTag, (object?)cluster.ClusterClient.ClientId);
        (string, object?) On(string silo) => (RuntimeTelemetry.SiloTag, silo);

        // client -> relay (silo 1) -> echo (silo 2); a failing call; a one-way call
        var echoKey = Random.Shared.NextInt64();
        var echo = cluster.Client.GetGrain<IEchoGrain>(echoKey);
        using (PlacementHint.PinToSilo(silo2))
        {
            await echo.Echo(1);
        }

        using (PlacementHint.PinToSilo(silo1))
        {
            Assert.Equal(2, await cluster.Client.GetGrain<IRelayGrain>("relay-" + Guid.NewGuid()).Relay(echoKey, 2));
            await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Client.GetGrain<IThrowingGrain>(Guid.NewGuid()).Throw("counted"));
        }

        await echo.Notify("one way");
        Assert.Equal("one way", await echo.LastNotification());

        // calls made, at the caller, with their outcome
        Assert.Equal(1, capture.Sum("orleansdist.calls.made", client, ("rpc.service", typeof(IRelayGrain).FullName), ("rpc.method", "Relay"), ("orleansdist.outcome", "ok"), ("rpc.system", "orleansdist")));
        Assert.Equal(1, capture.Sum("orleansdist.calls.made", On(silo1), ("rpc.service", typeof(IEchoGrain).FullName), ("rpc.method", "Echo"), ("orleansdist.outcome", "ok")));
        Assert.Equal(1, capture.Sum("orleansdist.calls.made", client, ("rpc.method", "Throw"), ("orleansdist.outcome", "error")));
        Assert.Equal(1, capture.Sum("orleansdist.calls.made", client, ("rpc.method", "Notify"), ("orleansdist.outcome", "oneway")));

        // calls received, where they ran (the one-way call may still be finishing)
        Assert.Equal(1, capture.Sum("orleansdist.calls.received", On(silo1), ("rpc.method", "Relay"), ("orleansdist.outcome", "ok")));
        Assert.Equal(2, capture.Sum("orleansdist.calls.received", On(silo2), ("rpc.method", "Echo"), ("orleansdist.outcome", "ok")));
        Assert.Equal(1, capture.Sum("orleansdist.calls.received", On(silo1), ("rpc.service", typeof(IThrowingGrain).FullName), ("rpc.method", "Throw"), ("orleansdist.outcome", "error")));
        await TelemetryCapture.Eventually(() => capture.Sum("orleansdist.calls.received", On(silo2), ("rpc.method", "Notify")) == 1, "the one-way call to be counted");

        // durations at the caller, in seconds
        var relayDuration = Assert.Single(capture.Of("orleansdist.call.duration", client, ("rpc.method", "Relay"), ("orleansdist.outcome", "ok")));
        var hopDuration = Assert.Single(capture.Of("orleansdist.call.duration", On(silo1), ("rpc.method", "Echo")));
        Assert.InRange(hopDuration.Value, 1e-6, relayDuration.Value);
        Assert.Single(capture.Of("orleansdist.call.duration", client, ("rpc.method", "Throw"), ("orleansdist.outcome", "error")));
        Assert.Empty(capture.Of("orleansdist.call.duration", client, ("rpc.method", "Notify")));

        // activations where the grains live
        Assert.True(capture.Sum("orleansdist.activations", On(silo1)) >= 1);
        Assert.True(capture.Sum("orleansdist.activations", On(silo2)) >= 1);

        // messages over connections, on both silos and on the client (counted per batch, after the flush)
        await TelemetryCapture.Eventually(
            () => capture.Sum("orleansdist.messages.sent", client) >= 4 && capture.Sum("orleansdist.messages.received", client) >= 3
                && capture.Sum("orleansdist.messages.sent", On(silo1)) >= 1 && capture.Sum("orleansdist.messages.received", On(silo1)) >= 1
                && capture.Sum("orleansdist.messages.sent", On(silo2)) >= 1 && capture.Sum("orleansdist.messages.received", On(silo2)) >= 1,
            "message counts on the client and both silos");

        // membership: each silo saw itself and the other become active
        Assert.True(capture.Sum("orleansdist.membership.changes", On(silo1), (RuntimeTelemetry.SiloStatusTag, "active")) >= 2);
        Assert.True(capture.Sum("orleansdist.membership.changes", On(silo2), (RuntimeTelemetry.SiloStatusTag, "active")) >= 2);
        Assert.True(capture.Sum("orleansdist.membership.changes", On(silo1), (RuntimeTelemetry.SiloStatusTag, "joining")) >= 1);

        // a graceful stop: the survivor sees the other go through shutting down to dead, and its activations go
        await cluster.StopSiloAsync(cluster.Silos[1]);
        await TelemetryCapture.Eventually(() => capture.Sum("orleansdist.membership.changes", On(silo1), (RuntimeTelemetry.SiloStatusTag, "dead")) >= 1, "silo 1 to see silo 2 dead");
        Assert.Equal(0, capture.Sum("orleansdist.activations", On(silo2)));
    }

    [Fact]
    public async Task MalformedInputIsCountedForTheSiloThatClosedTheConnection()
    {
        using var capture = new TelemetryCapture();
        var siloName = TelemetryCapture.NewPrefix() + "listener";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(IPAddress.Loopback, port);
        using var accepted = await listener.AcceptSocketAsync();
        var accepting = Connection.AcceptAsync(
            accepted, _ => null, new Handshake(ConnectionRole.Silo, "metrics", "127.0.0.1:1@1", siloName), new MessagingOptions(), NullLogger.Instance, CancellationToken.None);
        await peer.SendAsync(new Handshake(ConnectionRole.Silo, "metrics", "127.0.0.1:2@1", "peer").Encode());
        var connection = await accepting;
        Assert.NotNull(connection);
        connection.Start((_, _) => { });

        // a frame that says it is 0 bytes long
        var frame = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 0);
        await peer.SendAsync(frame);
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, capture.Sum("orleansdist.connections.bad_input", (RuntimeTelemetry.SiloTag, siloName)));
    }
}
