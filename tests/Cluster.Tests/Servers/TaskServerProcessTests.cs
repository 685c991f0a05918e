using OrleansDist.Grains.Tests.Servers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Servers;

/// <summary>
/// The task servers as real processes (<c>orleansdist server run</c> and the Python baselines), driven by the seed-style
/// Python client and by hostile clients; the process design's workers die with their parent; <c>experiment servers</c>
/// end to end on a small scale.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class TaskServerProcessTests(ITestOutputHelper output)
{
    private const int TaskMs = 200;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> AllDesigns => new() { "serial", "process", "thread", "async", "actor", "py-thread", "py-process" };

    /// <summary>The designs only these tests run as processes (the in-process ones are covered in Grains.Tests).</summary>
    public static TheoryData<string> ProcessDesigns => new() { "process", "py-thread", "py-process" };

    private static Task<TaskServerProcess> StartAsync(string design) => TaskServerProcess.StartAsync(design, TaskMs, design == "process" ? ["--workers", "3"] : []);

    [Theory]
    [MemberData(nameof(AllDesigns))]
    public async Task TheSeedStylePythonClient_GetsCorrectReplies(string design)
    {
        await using var server = await StartAsync(design);

        var (exitCode, text) = await TaskServerProcess.RunSeedClientAsync(server.Port, 5, TimeSpan.FromSeconds(60));

        output.WriteLine(text);
        Assert.True(exitCode == 0, $"{design}: {text}\nserver:\n{server.Output}");
        Assert.Contains("ALL OK 5/5", text);
        Assert.Equal(5, text.Split('\n').Count(l => l.Contains(": OK reply", StringComparison.Ordinal)));
        Assert.False(server.HasExited, server.Output);
    }

    private static async Task<TimeSpan> GoodClientAsync(int port, string text, Stopwatch clock)
    {
        using var client = await LineClient.ConnectAsync(port);
        await client.SendLineAsync(text);
        Assert.Equal(new string([.. text.Reverse()]), await client.ReadLineAsync(ReplyTimeout));
        var at = clock.Elapsed;
        await client.SendLineAsync("exit");
        Assert.Equal("Goodbye!", await client.ReadLineAsync(ReplyTimeout));
        return at;
    }

    private static void AssertOnTime(IEnumerable<TimeSpan> replies, string design)
    {
        var allowed = TimeSpan.FromMilliseconds(TaskMs) + TimeSpan.FromSeconds(2.5);
        Assert.All(replies, r => Assert.True(r <= allowed, $"{design}: a good client waited {r.TotalSeconds:0.00} s (allowed {allowed.TotalSeconds:0.00} s)"));
    }

    [Theory]
    [MemberData(nameof(ProcessDesigns))]
    public async Task GarbageLines_GetErrorLines_AndDoNotDelayTheOtherClients(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        using var hostile = await LineClient.ConnectAsync(server.Port);
        var good = Enumerable.Range(0, 2).Select(i => GoodClientAsync(server.Port, $"good {i}", clock)).ToList();

        await hostile.SendAsync([.. "\u0001junk\n"u8.ToArray(), 0xff, 0xfe, (byte)'\n', (byte)'\n', .. "ok\n"u8.ToArray()]);

        Assert.Equal("ERROR task contains control character U+0001", await hostile.ReadLineAsync(ReplyTimeout));
        Assert.Equal("ERROR line is not UTF-8", await hostile.ReadLineAsync(ReplyTimeout));
        Assert.Equal("ERROR empty task", await hostile.ReadLineAsync(ReplyTimeout));
        Assert.Equal("ko", await hostile.ReadLineAsync(ReplyTimeout));
        AssertOnTime(await Task.WhenAll(good), design);
        Assert.False(server.HasExited, server.Output);
    }

    [Theory]
    [MemberData(nameof(ProcessDesigns))]
    public async Task AOneMebibyteLine_GetsAnErrorLine_AndDoesNotDelayTheOtherClients(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        using var hostile = await LineClient.ConnectAsync(server.Port);
        var good = Enumerable.Range(0, 2).Select(i => GoodClientAsync(server.Port, $"good {i}", clock)).ToList();

        var sending = hostile.SendAsync(Encoding.ASCII.GetBytes(new string('M', 1024 * 1024) + "\nafter\n"));

        Assert.Equal("ERROR line longer than 65536 bytes; dropped up to its end", await hostile.ReadLineAsync(ReplyTimeout));
        await sending.WaitAsync(ReplyTimeout);
        Assert.Equal("retfa", await hostile.ReadLineAsync(ReplyTimeout));
        AssertOnTime(await Task.WhenAll(good), design);
        Assert.False(server.HasExited, server.Output);
    }

    [Theory]
    [MemberData(nameof(ProcessDesigns))]
    public async Task ClientsThatConnectAndVanish_DoNotCrashTheServer_OrDelayTheOthers(string design)
    {
        await using var server = await StartAsync(design);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            var client = await LineClient.ConnectAsync(server.Port);
            if (i % 2 == 0)
            {
                await client.SendAsync("half a li"u8.ToArray());
            }

            client.Reset();
        }));
        // the vanished clients did not send a whole task: none of them may cost a worker a task's time
        var replies = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => GoodClientAsync(server.Port, $"good {i}", clock)));

        AssertOnTime(replies, design);
        Assert.False(server.HasExited, server.Output);
    }

    [Fact]
    public async Task TheProcessDesignsWorkers_DieWithTheirParent_EvenOnKill9()
    {
        await using var server = await StartAsync("process");
        var workers = Children(server.Pid);
        Assert.Equal(3, workers.Count);

        server.KillMainProcess();
        await server.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        while (workers.Any(Alive) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.False(workers.Any(Alive), $"workers still alive {clock.Elapsed.TotalSeconds:0.0} s after the parent's kill -9");
        output.WriteLine($"the 3 workers were gone {clock.Elapsed.TotalSeconds:0.0} s after the parent's kill -9");
    }

    [Fact]
    public async Task ExperimentServers_PrintsTheTable_AndWritesResultsJson()
    {
        var directory = Directory.CreateTempSubdirectory("servers-exp-");
        try
        {
            var (exitCode, stdout, stderr, timedOut) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(120),
                "experiment", "servers", "--designs", "serial,async,py-thread", "--clients", "2,4", "--task-ms", TaskMs.ToString(CultureInfo.InvariantCulture),
                "--repeat", "1", "--max-run-seconds", "0.6", "--out", directory.FullName, "--python-dir", TaskServerProcess.BenchServers);
            output.WriteLine(stdout + stderr);
            Assert.False(timedOut);
            Assert.True(exitCode == 0, stdout + stderr);
            Assert.Contains("Median seconds until the last reply", stdout);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory.FullName, "results.json")));
            var rows = json.RootElement.GetProperty("designs").EnumerateArray().ToList();
            JsonElement Row(string design, int clients) => rows.Single(r => r.GetProperty("design").GetString() == design && r.GetProperty("clients").GetInt32() == clients);

            // serial: one client after another (2 × 0.2 s); 4 clients would need 0.8 s, beyond --max-run-seconds: skipped, and said why
            Assert.InRange(Row("serial", 2).GetProperty("median_seconds").GetDouble(), 0.4, 1.5);
            Assert.Equal("skipped", Row("serial", 4).GetProperty("status").GetString());
            Assert.Contains("N × T", Row("serial", 4).GetProperty("reason").GetString());
            foreach (var design in new[] { "async", "py-thread" })
            {
                var row = Row(design, 4);
                Assert.Equal("ok", row.GetProperty("status").GetString());
                Assert.InRange(row.GetProperty("median_seconds").GetDouble(), 0.19, 1.5); // a task takes T; the clocks of two processes may differ by a millisecond
                var run = Assert.Single(row.GetProperty("runs").EnumerateArray());
                Assert.Equal(4, run.GetProperty("replied").GetInt32());

                // the phases: every client connected before the last reply, and waited at least T after sending its task
                var seconds = run.GetProperty("seconds").GetDouble();
                Assert.InRange(run.GetProperty("all_connected_seconds").GetDouble(), 0, seconds - 0.19);
                Assert.InRange(run.GetProperty("longest_wait_seconds").GetDouble(), 0.19, seconds);
                Assert.Equal(run.GetProperty("longest_wait_seconds").GetDouble(), row.GetProperty("median_longest_wait_seconds").GetDouble());
            }

            Assert.True(File.Exists(Path.Combine(directory.FullName, "time-vs-clients.svg")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("server", "run", "--design", "fork")]
    [InlineData("server", "run", "--design", "async", "--task-ms", "-1")]
    [InlineData("server", "run", "--design", "actor", "--session-grains", "shared")]
    [InlineData("experiment", "servers", "--clients", "0")]
    [InlineData("experiment", "servers", "--designs", "async,nginx")]
    [InlineData("experiment", "servers", "--target", "no-port-given")]
    [InlineData("experiment", "servers", "--target", "127.0.0.1:7100", "--designs", "async,actor")]
    public async Task BadArguments_ExitWith2AndSayWhy(params string[] args)
    {
        var (exitCode, _, stderr, _) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), args);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error:", stderr.Trim());
    }

    private static List<int> Children(int parent) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => int.TryParse(n, out _))
            .Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)];

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
