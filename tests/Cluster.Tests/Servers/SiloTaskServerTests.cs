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
        var clusterId = "taskserver-" + Guid.NewGuid().ToString("N")[..8];
        var port = SiloProcess.FreePort();
        string[] extra = ["--task-server-port", port.ToString(CultureInfo.InvariantCulture), "--task-ms", TaskMs.ToString(CultureInfo.InvariantCulture)];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "taskserver");
        await using var silo0 = await SiloProcess.StartAsync("silo0", db.Spec, clusterId, fastMembership: true, extra);
        await using var silo1 = await SiloProcess.StartAsync("silo1", db.Spec, clusterId, fastMembership: true, extra);
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
}
