using System.Diagnostics;
using System.Text;
using Dist.GrainInterfaces.Servers;
using OrleansDist.Client.Servers;

namespace OrleansDist.Grains.Tests.Servers;

/// <summary>
/// The in-process designs (serial, thread, async, and actor on an embedded cluster) over real loopback TCP with 200 ms
/// tasks: correct replies, and hostile clients (garbage, a 1 MiB line, clients that vanish) neither crash a server nor
/// delay the other clients. The process design and the Python baselines run as real processes in Cluster.Tests.
/// </summary>
public sealed class ServerDesignTests
{
    private static readonly TimeSpan TaskTime = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How late a good client's reply may be beside hostile clients: the task plus a margin for a busy 2-core machine, far below one more task per hostile client.</summary>
    private static readonly TimeSpan OnTime = TaskTime + TimeSpan.FromSeconds(2);

    public static TheoryData<string> Designs => new() { "serial", "thread", "async", "actor" };

    private static async Task<IRunningServer> StartAsync(string design) =>
        await TaskServers.StartAsync(new ServerRunSettings
        {
            Design = Enum.Parse<ServerDesign>(design, ignoreCase: true),
            Port = 0,
            TaskDuration = TaskTime,
            Work = ServerWorkKind.Io,
        }, CancellationToken.None);

    /// <summary>A well-behaved client: one task, its reply, exit; returns when the reply came.</summary>
    private static async Task<TimeSpan> GoodClientAsync(int port, string text, Stopwatch clock)
    {
        using var client = await LineClient.ConnectAsync(port);
        await client.SendLineAsync(text);
        Assert.Equal(new string([.. text.Reverse()]), await client.ReadLineAsync(ReplyTimeout));
        var at = clock.Elapsed;
        await client.SendLineAsync("exit");
        Assert.Equal("Goodbye!", await client.ReadLineAsync(ReplyTimeout));
        Assert.Null(await client.ReadLineAsync(ReplyTimeout));
        return at;
    }

    private static void AssertOnTime(string design, IReadOnlyList<TimeSpan> replies, int goodClients)
    {
        // serial serves one client after another by design; the others must not be held up by the hostile ones
        var allowed = design == "serial" ? (TaskTime * goodClients) + TimeSpan.FromSeconds(3) : OnTime;
        Assert.All(replies, r => Assert.True(r <= allowed, $"{design}: a good client's reply came after {r.TotalSeconds:0.00} s (allowed {allowed.TotalSeconds:0.00} s)"));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public async Task EveryClient_GetsEachTaskReversed_AndGoodbye(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var client = await LineClient.ConnectAsync(server.Port);
            foreach (var text in new[] { $"client {i} first", $"client {i} ünïcode 😀 second" })
            {
                await client.SendLineAsync(text);
                var runes = text.EnumerateRunes().Reverse().Select(r => r.ToString());
                Assert.Equal(string.Concat(runes), await client.ReadLineAsync(ReplyTimeout));
            }

            await client.SendLineAsync("exit");
            Assert.Equal("Goodbye!", await client.ReadLineAsync(ReplyTimeout));
            Assert.Null(await client.ReadLineAsync(ReplyTimeout));
        }));

        if (design != "serial")
        {
            // 6 clients × 2 tasks in about 2 tasks' time: the clients were served side by side
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"{design} took {clock.Elapsed.TotalSeconds:0.00} s");
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public async Task GarbageLines_GetErrorLines_AndDoNotDelayTheOtherClients(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        using var hostile = await LineClient.ConnectAsync(server.Port);
        var garbage = new List<byte>();
        for (var i = 0; i < 200; i++)
        {
            garbage.AddRange("\u0001\u0002binary\u0007junk\n"u8.ToArray());
            garbage.AddRange(new byte[] { 0xff, 0xc3, 0x28, 0x0a });
            garbage.AddRange("\n"u8.ToArray());
        }

        garbage.AddRange("still served\n"u8.ToArray());
        var good = Enumerable.Range(0, 4).Select(i => GoodClientAsync(server.Port, $"good client {i}", clock)).ToList();
        await hostile.SendAsync([.. garbage]);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("ERROR task contains control character U+0001", await hostile.ReadLineAsync(ReplyTimeout));
            Assert.Equal("ERROR line is not UTF-8", await hostile.ReadLineAsync(ReplyTimeout));
            Assert.Equal("ERROR empty task", await hostile.ReadLineAsync(ReplyTimeout));
        }

        Assert.Equal("devres llits", await hostile.ReadLineAsync(ReplyTimeout));
        await hostile.SendLineAsync("exit");
        Assert.Equal("Goodbye!", await hostile.ReadLineAsync(ReplyTimeout));
        AssertOnTime(design, await Task.WhenAll(good), 4);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public async Task AOneMebibyteLine_GetsAnErrorLine_AndDoesNotDelayTheOtherClients(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        using var hostile = await LineClient.ConnectAsync(server.Port);
        var good = Enumerable.Range(0, 4).Select(i => GoodClientAsync(server.Port, $"good client {i}", clock)).ToList();
        var huge = Encoding.ASCII.GetBytes(new string('M', 1024 * 1024) + "\nafter the huge line\n");

        // the server must read while we write: it answers the error line before the line ends
        var sending = hostile.SendAsync(huge);
        Assert.Equal("ERROR line longer than 65536 bytes; dropped up to its end", await hostile.ReadLineAsync(ReplyTimeout));
        await sending.WaitAsync(ReplyTimeout);
        Assert.Equal("enil eguh eht retfa", await hostile.ReadLineAsync(ReplyTimeout));
        await hostile.SendLineAsync("exit");
        Assert.Equal("Goodbye!", await hostile.ReadLineAsync(ReplyTimeout));

        AssertOnTime(design, await Task.WhenAll(good), 4);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public async Task ClientsThatConnectAndVanish_DoNotCrashTheServer_OrDelayTheOthers(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        var vanishing = Enumerable.Range(0, 30).Select(async i =>
        {
            var client = await LineClient.ConnectAsync(server.Port);
            switch (i % 3)
            {
                case 0:
                    client.Dispose(); // connect, then close at once
                    break;
                case 1:
                    await client.SendAsync("half a ta"u8.ToArray());
                    client.Reset(); // mid-line, then a reset as from a crash
                    break;
                default:
                    await client.SendLineAsync("a task nobody waits for");
                    client.Reset(); // the server's reply will hit a dead connection
                    break;
            }
        }).ToList();
        var good = Enumerable.Range(0, 4).Select(i => GoodClientAsync(server.Port, $"good client {i}", clock)).ToList();
        await Task.WhenAll(vanishing);

        var replies = await Task.WhenAll(good);
        // serial: each vanished client that sent a whole task still costs one task's time before the good ones
        AssertOnTime(design, design == "serial" ? [.. replies.Select(r => r - (TaskTime * 10))] : replies, 4);

        // and the server still serves afterwards
        await Task.Delay(TaskTime * 2);
        await GoodClientAsync(server.Port, "after the vanished clients", Stopwatch.StartNew());
    }
}
