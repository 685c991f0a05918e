using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Activation;
using OrleansDist.Runtime.Hosting;
using OrleansDist.Runtime.Membership;
using OrleansDist.TestingHost;
using OrleansDist.Tests.TestGrains;

namespace OrleansDist.Tests;

/// <summary>Each test owns its cluster: these tests kill silos, stop them, or attack their ports.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task NonReentrantCycleEndsInTimeoutNotHang()
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.ResponseTimeout = TimeSpan.FromSeconds(2);
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var a = cluster.Client.GetGrain<ICycleGrain>("A-" + Guid.NewGuid());
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => a.Start("B-" + Guid.NewGuid()).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Response did not arrive on time", ex.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AfterKillGrainsReactivateElsewhereAndClientFailsOverToAnotherGateway()
    {
        await using var cluster = new TestClusterBuilder(3).Build();
        await cluster.DeployAsync();
        var client = cluster.ClusterClient;
        var gatewaySilo = cluster.Silos.Single(s => s.Name == client.CurrentGatewaySilo);

        // grains on the silo we will kill, pinned there
        var keys = Enumerable.Range(0, 10).Select(i => $"victim-{i}-{Guid.NewGuid()}").ToList();
        using (Placement.PlacementHint.PinToSilo(gatewaySilo.Name))
        {
            foreach (var key in keys)
            {
                Assert.Equal(1, await client.GetGrain<ICounterGrain>(key).Increment());
                Assert.StartsWith(gatewaySilo.Name + "#", await client.GetGrain<ICounterGrain>(key).WhereAmI());
            }
        }

        await cluster.KillSiloAsync(gatewaySilo);
        await cluster.WaitForLivenessToStabilizeAsync(TimeSpan.FromSeconds(20));

        foreach (var key in keys)
        {
            var grain = client.GetGrain<ICounterGrain>(key);
            var value = await RetryAsync(() => grain.Increment());
            Assert.Equal(1, value); // a new activation: in-memory state died with the silo
            var where = await grain.WhereAmI();
            Assert.False(where.StartsWith(gatewaySilo.Name + "#", StringComparison.Ordinal), where);
        }

        Assert.True(client.IsConnected);
        Assert.NotEqual(gatewaySilo.Name, client.CurrentGatewaySilo);
        foreach (var key in keys)
        {
            var grainId = GrainId.Create(typeof(ICounterGrain).FullName!, key);
            Assert.Equal(1, cluster.Silos.Count(s => s.Silo.Runtime.Catalog.IsActiveHere(grainId)));
        }
    }

    [Fact]
    public async Task PersistentStateSurvivesSiloKill()
    {
        await using var cluster = new TestClusterBuilder(3).Build();
        await cluster.DeployAsync();
        var ids = Enumerable.Range(0, 30).Select(i => (long)i + Random.Shared.Next(1000, 1_000_000) * 100L).ToList();
        foreach (var id in ids)
        {
            await cluster.Client.GetGrain<IPersistentCounterGrain>(id).Set((int)(id % 1000));
        }

        var victim = cluster.Silos[1];
        await cluster.KillSiloAsync(victim);
        await cluster.WaitForLivenessToStabilizeAsync(TimeSpan.FromSeconds(20));

        foreach (var id in ids)
        {
            var value = await RetryAsync(() => cluster.Client.GetGrain<IPersistentCounterGrain>(id).Get());
            Assert.Equal((int)(id % 1000), value);
        }
    }

    [Fact]
    public async Task GracefulStopDeactivatesGrainsAndLeavesTableDead()
    {
        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var silo = cluster.Silos[1];
        var address = silo.SiloAddress;
        using (Placement.PlacementHint.PinToSilo(silo.Name))
        {
            await cluster.Client.GetGrain<IPersistentCounterGrain>(77).Set(7);
        }

        await cluster.StopSiloAsync(silo);
        var table = await cluster.MembershipTable.ReadAll(CancellationToken.None);
        Assert.Equal(SiloStatus.Dead, table.Find(address)!.Value.Entry.Status);
        Assert.Equal(7, await RetryAsync(() => cluster.Client.GetGrain<IPersistentCounterGrain>(77).Get()));
    }

    [Fact]
    public async Task ConnectionWithWrongClusterIdIsRefused()
    {
        await using var cluster = new TestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var gateway = cluster.Silos[0].Silo.GatewayEndpoint!;

        var ex = await Assert.ThrowsAsync<ClusterConnectionException>(() => ClientHostingExtensions.ConnectClientAsync(c =>
        {
            c.UseStaticClustering(gateway);
            c.Configure<ClusterOptions>(o => o.ClusterId = "some-other-cluster");
            c.Configure<Runtime.Client.ClientOptions>(o => o.InitialConnectTimeout = TimeSpan.FromSeconds(1));
        }));
        Assert.Contains("ClusterId mismatch", ex.Message);

        // the silo port refuses a silo from another cluster too
        var siloEndpoint = cluster.Silos[0].SiloAddress.Endpoint;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(siloEndpoint);
        await socket.SendAsync(new Runtime.Messaging.Handshake(Runtime.Messaging.ConnectionRole.Silo, "intruders", "127.0.0.1:1@1", "x").Encode());
        var reply = await ReadFrameAsync(socket);
        var refusal = Runtime.Messaging.Handshake.Decode(reply);
        Assert.Equal(Runtime.Messaging.ConnectionRole.Refused, refusal.Role);
        Assert.Contains("ClusterId mismatch", refusal.Name);

        Assert.Equal(1, await cluster.Client.GetGrain<ICounterGrain>("still-fine").Increment());
    }

    [Fact]
    public async Task RandomFramesCrashNothingAndDoNotDisturbConcurrentCaller()
    {
        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var silo = cluster.Silos[0].Silo;
        var targets = new[] { silo.SiloAddress.Endpoint, silo.GatewayEndpoint! };
        var echo = cluster.Client.GetGrain<IEchoGrain>(42);
        using var stop = new CancellationTokenSource();
        var callerErrors = 0;
        var calls = 0;
        var caller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var n = Random.Shared.Next();
                    if (await echo.Echo(n) != n)
                    {
                        Interlocked.Increment(ref callerErrors);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref callerErrors);
                }

                Interlocked.Increment(ref calls);
            }
        });

        const int frames = 10_000;
        var sent = 0;
        var random = new Random(1234);
        for (var connectionIndex = 0; sent < frames; connectionIndex++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(targets[connectionIndex % 2]);
            if (connectionIndex % 3 == 0)
            {
                // a valid handshake first, so the garbage reaches the frame decoder
                await socket.SendAsync(new Runtime.Messaging.Handshake(
                    connectionIndex % 2 == 0 ? Runtime.Messaging.ConnectionRole.Silo : Runtime.Messaging.ConnectionRole.Client,
                    cluster.Options.ClusterId, connectionIndex % 2 == 0 ? "127.0.0.1:9@9" : "fuzzer" + connectionIndex, "fuzzer").Encode());
            }

            try
            {
                for (var i = 0; i < 100 && sent < frames; i++, sent++)
                {
                    var length = random.Next(0, 300);
                    var frame = new byte[4 + length];
                    random.NextBytes(frame);
                    if (i % 2 == 0)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(frame, length); // well-framed garbage
                    }

                    await socket.SendAsync(frame);
                }
            }
            catch (SocketException)
            {
                // the silo closed this connection, as it should
            }
        }

        await Task.Delay(200);
        stop.Cancel();
        await caller;
        Assert.Equal(0, callerErrors);
        Assert.True(calls > 10, $"only {calls} calls completed");
        Assert.Equal(5, await echo.Echo(5));
        Assert.Equal(1, await cluster.Client.GetGrain<ICounterGrain>("after-fuzz").Increment());
    }

    [Fact]
    public async Task IdleActivationsAreCollectedAndDeactivateOnIdleWorks()
    {
        var builder = new TestClusterBuilder(1);
        builder.ConfigureSilo(s => s.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(500);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(100);
        }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var grain = cluster.Client.GetGrain<ILifecycleGrain>("idle-" + Guid.NewGuid());
        var first = await grain.ActivationNumber();
        await Task.Delay(1500);
        var second = await grain.ActivationNumber();
        Assert.NotEqual(first, second);

        await grain.Deactivate();
        await Task.Delay(200);
        Assert.NotEqual(second, await grain.ActivationNumber());
    }

    [Fact]
    public async Task StatelessWorkersRunInParallelOnTheCallingSilo()
    {
        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var worker = cluster.Client.GetGrain<IWorkerGrain>(1);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => worker.Work(300)));
        Assert.True(results.Distinct().Count() > 1, "several activations should serve concurrent calls");
        Assert.Single(results.Select(r => r.Split('#')[0]).Distinct());
    }

    [Fact]
    public async Task StartAdditionalSiloJoinsAndTakesGrains()
    {
        await using var cluster = new TestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        var added = await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        using (Placement.PlacementHint.PinToSilo(added.Name))
        {
            Assert.Equal(added.Name, await cluster.Client.GetGrain<IPinnedGrain>("joined").SiloName());
        }
    }

    [Fact]
    public async Task SiloThatReadsItselfDeadStops()
    {
        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var victim = cluster.Silos[1];

        // someone (a partitioned majority, an operator) marks the silo Dead in the table
        var data = await cluster.MembershipTable.ReadAll(CancellationToken.None);
        var (entry, etag) = data.Find(victim.SiloAddress)!.Value;
        var dead = entry.Copy();
        dead.Status = SiloStatus.Dead;
        Assert.True(await cluster.MembershipTable.UpdateRow(dead, etag, data.Version.Next(), CancellationToken.None));

        await victim.Silo.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await RetryAsync(() => cluster.Client.GetGrain<ICounterGrain>("after-self-death").Increment()));
    }

    [Fact]
    public async Task RestartedSiloIsANewGenerationAndServesGrains()
    {
        await using var cluster = new TestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        var old = cluster.Silos[1];
        var restarted = await cluster.RestartSiloAsync(old);
        await cluster.WaitForLivenessToStabilizeAsync();

        Assert.NotEqual(old.SiloAddress, restarted.SiloAddress);
        var table = await cluster.MembershipTable.ReadAll(CancellationToken.None);
        Assert.Equal(SiloStatus.Dead, table.Find(old.SiloAddress)!.Value.Entry.Status);
        Assert.Equal(SiloStatus.Active, table.Find(restarted.SiloAddress)!.Value.Entry.Status);
        using (Placement.PlacementHint.PinToSilo(restarted.Name))
        {
            Assert.Equal(restarted.Name, await cluster.Client.GetGrain<IPinnedGrain>("restarted").SiloName());
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is SiloUnavailableException or ClusterConnectionException && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        var prefix = new byte[4];
        await ReceiveAsync(socket, prefix);
        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(prefix)];
        await ReceiveAsync(socket, body);
        return body;
    }

    private static async Task ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                throw new IOException("closed");
            }

            buffer = buffer[n..];
        }
    }
}
