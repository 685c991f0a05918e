using System.Diagnostics;
using System.Globalization;
using OrleansDist.Grains.Servers;
using OrleansDist.Grains.Tests.Servers;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Servers;

/// <summary>
/// The actor design on a deployed cluster: silo processes started with <c>--task-server-port</c> all serve the one port,
/// each client's session a grain; after a SIGKILL of one silo, new clients are served by the others.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class SiloTaskServerTests(ITestOutputHelper output)
{
    private const int TaskMs = 300;
    private const int Clients = 20;

    [Fact]
    public async Task EverySiloServesTheTaskPort_AndAfterAKill9NewClientsAreServedByTheLiveSilo()
    {
        await using var cluster = await TwoSilos.StartAsync("taskserver");
        var (port, silo0, silo1) = (cluster.Port, cluster.Silo0, cluster.Silo1);
        foreach (var silo in new[] { silo0, silo1 })
        {
            Assert.Contains($"Actor front end of silo {silo.Name} listening on", silo.Output, StringComparison.Ordinal);
        }

        var before = await ServeAllAsync(port, "before", TimeSpan.FromSeconds(30));
        Report.Measured(output, $"[task server] {Clients} clients on 2 silos: every reply correct, the last after {before.TotalSeconds:0.00} s (T = {TaskMs} ms)");

        silo0.Kill();
        var clock = Stopwatch.StartNew();
        var after = await ServeAllAsync(port, "after", TimeSpan.FromSeconds(60));
        Report.Measured(output, $"[task server] after kill -9 of silo0: {Clients} new clients all served by silo1 {clock.Elapsed.TotalSeconds:0.00} s after the kill (last reply {after.TotalSeconds:0.00} s into its round)");
        Assert.False(silo1.HasExited, silo1.Output);
    }

    [Fact]
    public async Task TheServersExperiment_TimesTheDeployedFrontEnds_WithTarget()
    {
        await using var cluster = await TwoSilos.StartAsync("taskexp");
        var (port, silo0, silo1) = (cluster.Port, cluster.Silo0, cluster.Silo1);
        var directory = Directory.CreateTempSubdirectory("orleansdist-taskexp-");
        try
        {
            var (exitCode, stdout, stderr, _) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromMinutes(3),
                "experiment", "servers", "--target", $"127.0.0.1:{port}", "--clients", "50,200", "--task-ms", TaskMs.ToString(CultureInfo.InvariantCulture),
                "--repeat", "2", "--out", directory.FullName);
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}\n{stdout}");
            Assert.Contains($"remote server at 127.0.0.1:{port}", stdout, StringComparison.Ordinal);
            Assert.Contains("server not measured (remote)", stdout, StringComparison.Ordinal);

            using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory.FullName, "results.json")));
            Assert.Equal($"127.0.0.1:{port}", json.RootElement.GetProperty("target").GetString());
            var rows = json.RootElement.GetProperty("designs").EnumerateArray().ToList();
            Assert.Equal([50, 200], rows.Select(r => r.GetProperty("clients").GetInt32()));
            foreach (var row in rows)
            {
                Assert.Equal("actor", row.GetProperty("design").GetString());
                Assert.Equal("ok", row.GetProperty("status").GetString());
                Assert.True(row.GetProperty("median_seconds").GetDouble() >= TaskMs / 1000.0, row.ToString());
                var runs = row.GetProperty("runs").EnumerateArray().ToList();
                Assert.Equal(2, runs.Count);
                Assert.All(runs, run =>
                {
                    Assert.Equal(row.GetProperty("clients").GetInt32(), run.GetProperty("replied").GetInt32());
                    // nothing of the remote server's processes is claimed
                    Assert.False(run.TryGetProperty("server_cpu_seconds", out _), run.ToString());
                    Assert.False(run.TryGetProperty("peak_threads", out _), run.ToString());
                });
            }

            Report.Measured(output, $"[task server] experiment servers --target: 50 and 200 clients on 2 silo processes, medians "
                + string.Join(" and ", rows.Select(r => r.GetProperty("median_seconds").GetDouble().ToString("0.00", CultureInfo.InvariantCulture) + " s"))
                + $" (T = {TaskMs} ms)");
            Assert.False(silo0.HasExited, silo0.Output);
            Assert.False(silo1.HasExited, silo1.Output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheServersExperiment_SaysWhenNothingListensAtTheTarget()
    {
        var port = SiloProcess.FreePort();
        var (exitCode, stdout, stderr, _) = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60),
            "experiment", "servers", "--target", $"127.0.0.1:{port}", "--clients", "10", "--repeat", "1");

        Assert.True(exitCode == 1, $"exit {exitCode}: {stderr}\n{stdout}");
        Assert.Contains($"--target 127.0.0.1:{port}: nothing accepts connections", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// <see cref="Clients"/> clients at once, each one task and exit; a client that gets an error line or a closed
    /// connection (a session grain whose directory partition lived on a just-killed silo, until membership declares it
    /// dead) tries again on a new connection until <paramref name="deadline"/>, as a real client would.
    /// </summary>
    /// <returns>The time until the last correct reply of the round that succeeded for every client.</returns>
    private async Task<TimeSpan> ServeAllAsync(int port, string tag, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var retries = 0;
        var times = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
        {
            var text = $"task {tag} {i:D2}";
            while (true)
            {
                string? reply;
                try
                {
                    using var client = await LineClient.ConnectAsync(port);
                    await client.SendLineAsync(text);
                    reply = await client.ReadLineAsync(TimeSpan.FromSeconds(30));
                    Assert.True(reply is null || reply == TaskProtocol.Reply(text) || reply.StartsWith(TaskProtocol.ErrorPrefix, StringComparison.Ordinal),
                        $"a wrong reply to '{text}': {reply}");
                    if (reply == TaskProtocol.Reply(text))
                    {
                        var at = clock.Elapsed;
                        await client.SendLineAsync(TaskProtocol.ExitCommand);
                        Assert.Equal(TaskProtocol.Goodbye, await client.ReadLineAsync(TimeSpan.FromSeconds(10)));
                        return at;
                    }
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException)
                {
                    reply = ex.GetType().Name + ": " + ex.Message;
                }

                Interlocked.Increment(ref retries);
                if (clock.Elapsed > deadline)
                {
                    throw new TimeoutException($"'{text}' not served within {deadline.TotalSeconds:0} s; last answer: {reply ?? "(closed)"}");
                }

                await Task.Delay(200);
            }
        }));
        output.WriteLine($"{tag}: {retries} retried connections");
        return times.Max();
    }

    /// <summary>Two silo processes of a new cluster on SQLite, each running the actor front end on one shared port.</summary>
    private sealed class TwoSilos : IAsyncDisposable
    {
        private TestDatabase _database = null!;

        public int Port { get; private init; }

        public SiloProcess Silo0 { get; private set; } = null!;

        public SiloProcess Silo1 { get; private set; } = null!;

        public static async Task<TwoSilos> StartAsync(string name)
        {
            var clusterId = name + "-" + Guid.NewGuid().ToString("N")[..8];
            var cluster = new TwoSilos { Port = SiloProcess.FreePort() };
            string[] extra = ["--task-server-port", cluster.Port.ToString(CultureInfo.InvariantCulture), "--task-ms", TaskMs.ToString(CultureInfo.InvariantCulture)];
            try
            {
                cluster._database = await TestDatabase.CreateAsync(Databases.Sqlite, name);
                cluster.Silo0 = await SiloProcess.StartAsync("silo0", cluster._database.Spec, clusterId, fastMembership: true, extra);
                cluster.Silo1 = await SiloProcess.StartAsync("silo1", cluster._database.Spec, clusterId, fastMembership: true, extra);
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var silo in new[] { Silo1, Silo0 })
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }

            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }
    }
}
