using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dist.GrainInterfaces.Diagnostics;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>A silo's ports are open to anyone: garbage there must cost the honest client nothing.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class GarbageFrameTests(ITestOutputHelper output)
{
    private const int FramesPerPort = 10_000;

    /// <summary>The garbage goes on at least this long, so that "the client kept calling meanwhile" means something on a fast machine too (10,000 frames took 0.6 s).</summary>
    private static readonly TimeSpan MinimumAttack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task TenThousandGarbageFramesAtTheSiloPortAndAtTheGatewayPortCostAClientNoCall()
    {
        var clusterId = "garbage-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "garbage");
        await using var silos = await SiloGroup.StartAsync(2, db.Spec, clusterId, fastMembership: false);
        var target = silos.Processes[0];
        await using var table = await MembershipReader.OpenAsync(db, clusterId);
        await table.WaitForAllActiveAsync(silos.Processes, TimeSpan.FromSeconds(30));

        // the honest client talks to the attacked silo's gateway only; half its grains live on the other silo
        await using var client = await TestClient.ConnectAsync(clusterId, [target.Gateway], TimeSpan.FromSeconds(10));
        var calls = 0;
        var errors = new List<string>();
        using var stop = new CancellationTokenSource();
        var caller = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var hello = await client.GetGrain<IHelloGrain>($"fuzz-{n % 50}").SayHello("honest");
                    Assert.StartsWith("Hello, honest!", hello);
                    calls++;
                }
                catch (Exception ex)
                {
                    lock (errors)
                    {
                        errors.Add($"{ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        });

        var clock = Stopwatch.StartNew();
        var siloPort = FuzzAsync(new IPEndPoint(IPAddress.Loopback, target.SiloPort), seed: 1);
        var gatewayPort = FuzzAsync(new IPEndPoint(IPAddress.Loopback, target.GatewayPort), seed: 2);
        var results = await Task.WhenAll(siloPort, gatewayPort);
        var fuzzTime = clock.Elapsed;

        // and the client keeps going a moment after the attack
        var callsDuringAttack = calls;
        await Task.Delay(TimeSpan.FromSeconds(1));
        stop.Cancel();
        await caller;

        foreach (var (name, result) in new[] { ("silo port", results[0]), ("gateway port", results[1]) })
        {
            Report.Measured(output, $"[garbage] {name}: {result.Frames} frames ({result.Bytes / 1024} KiB) over {result.Connections} connections, "
                + $"{result.HalfPrefixes} ending in a half-written length prefix, {result.ClosedBySilo} closed by the silo");
        }

        Report.Measured(output, $"[garbage] {fuzzTime.TotalSeconds:0.0} s of garbage; the client made {callsDuringAttack} calls meanwhile and {calls} in all, {errors.Count} failed");
        Assert.Empty(errors.Distinct());
        Assert.All(results, r => Assert.True(r.Frames >= FramesPerPort, $"only {r.Frames} frames were sent"));
        Assert.True(callsDuringAttack >= 20, $"only {callsDuringAttack} calls went through during the attack");
        Assert.All(results, r => Assert.True(r.ClosedBySilo > 0, "the silo should close connections that send garbage"));

        Assert.False(target.HasExited, target.Output);
        Assert.Equal(SiloStatus.Active, (await table.LatestRowAsync(target))!.Status);
        Assert.Equal(SiloStatus.Active, (await table.LatestRowAsync(silos.Processes[1]))!.Status);
        Assert.Equal(0, (await table.LatestRowAsync(target))!.SuspectTimes?.Count ?? 0);

        // a fresh client still gets in through the attacked gateway
        await using var fresh = await TestClient.ConnectAsync(clusterId, target.Gateway);
        Assert.StartsWith("Hello, after!", await fresh.GetGrain<IHelloGrain>("after").SayHello("after"));
    }

    private sealed record FuzzResult(int Frames, long Bytes, int Connections, int HalfPrefixes, int ClosedBySilo);

    /// <summary>
    /// Sends <see cref="FramesPerPort"/> garbage frames (and more until <see cref="MinimumAttack"/> has passed) over many connections, 8 at a time: random bytes of random lengths,
    /// most behind a length prefix (the true length, a small plausible one, or a huge one), some without any; a connection
    /// ends after 1-60 frames, some with a half-written length prefix left hanging.
    /// </summary>
    private static async Task<FuzzResult> FuzzAsync(IPEndPoint endpoint, int seed)
    {
        var frames = 0;
        long bytes = 0;
        var connections = 0;
        var halfPrefixes = 0;
        var closedBySilo = 0;
        var hanging = new List<Socket>();
        var clock = Stopwatch.StartNew();
        bool More() => Interlocked.Add(ref frames, 0) < FramesPerPort || clock.Elapsed < MinimumAttack;
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + worker);
            while (More())
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                Interlocked.Increment(ref connections);
                var keep = false;
                try
                {
                    await socket.ConnectAsync(endpoint);
                    var count = random.Next(1, 61);
                    for (var i = 0; i < count && More(); i++)
                    {
                        var frame = Garbage(random);
                        await socket.SendAsync(frame, SocketFlags.None);
                        Interlocked.Increment(ref frames);
                        Interlocked.Add(ref bytes, frame.Length);
                    }

                    if (random.Next(5) == 0)
                    {
                        // the first 1-3 bytes of a length prefix, then silence
                        var prefix = new byte[random.Next(1, 4)];
                        random.NextBytes(prefix);
                        await socket.SendAsync(prefix, SocketFlags.None);
                        Interlocked.Increment(ref halfPrefixes);
                        if (random.Next(4) == 0)
                        {
                            lock (hanging)
                            {
                                hanging.Add(socket);
                            }

                            keep = true;
                        }
                    }

                    // let the silo read what it got: wait (up to 1 s) for it to close the connection
                    if (!keep && await ClosedByPeerAsync(socket, TimeSpan.FromSeconds(1)))
                    {
                        Interlocked.Increment(ref closedBySilo);
                    }
                }
                catch (SocketException)
                {
                    // the silo dropped the connection while we were still writing, as it may
                    Interlocked.Increment(ref closedBySilo);
                }
                finally
                {
                    if (!keep)
                    {
                        socket.Dispose();
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(workers);

        // the hanging connections stayed open through the rest of the attack; now they go too
        foreach (var socket in hanging)
        {
            socket.Dispose();
        }

        return new FuzzResult(frames, bytes, connections, halfPrefixes, closedBySilo);
    }

    private static async Task<bool> ClosedByPeerAsync(Socket socket, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static byte[] Garbage(Random random)
    {
        var length = random.Next(0, 2048);
        var kind = random.Next(10);
        if (kind < 2)
        {
            // no framing at all
            var raw = new byte[Math.Max(1, length)];
            random.NextBytes(raw);
            return raw;
        }

        var frame = new byte[4 + length];
        random.NextBytes(frame);
        var prefix = kind switch
        {
            < 6 => length,                                  // the true length
            < 8 => random.Next(1, 1025),                    // a plausible preamble length, wrong contents
            _ => random.Next(int.MinValue, int.MaxValue),   // anything, negative and huge included
        };
        BinaryPrimitives.WriteInt32LittleEndian(frame, prefix);
        return frame;
    }
}
