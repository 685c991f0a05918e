using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Groups;

/// <summary>
/// <c>orleansdist group serve</c> as a real process with the seed's Python UDP clients: each message enters the cluster
/// as a unicast to member <c>client&lt;digit&gt;</c> and is answered once it is in that member's log; malformed datagrams
/// get an error reply and the server goes on.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class GroupServeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheSeedsPythonClientsGetTheirRepliesAndMalformedDatagramsDoNotStopTheServer()
    {
        await using var server = ProgramProcess.Start(SiloProcess.ClientDll, "group", "serve", "--udp-port", "0", "--silos", "1");
        var ready = await server.WaitForLineAsync(l => l.StartsWith("GROUP SERVER READY udp=", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        var port = int.Parse(ready.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine(ready);

        var client1 = await RunSeedClientAsync("1", port, "Kya re?\nSoja dost\n");
        var client2 = await RunSeedClientAsync("2", port, "Hello\n");
        Assert.Equal(["Message from Server :Delivered to member client1 (log #1): Kya re?", "Message from Server :Delivered to member client1 (log #2): Soja dost"], client1);
        Assert.Equal(["Message from Server :Delivered to member client2 (log #1): Hello"], client2);

        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var (datagram, error) in new (byte[], string)[]
        {
            ("no digit"u8.ToArray(), "ERROR: datagram does not end with the client's digit (last character 't')"),
            ([0xff, 0xfe, 0x31], "ERROR: datagram is not UTF-8 text"),
            (new byte[1500], "ERROR: datagram of 1500 bytes is longer than 1024"),
        })
        {
            Assert.Equal(error, await ExchangeAsync(udp, datagram, port));
        }

        // still serving
        Assert.Equal(["Message from Server :Delivered to member client3 (log #1): Sojata hu mai"], await RunSeedClientAsync("3", port, "Sojata hu mai\n"));
        Assert.Contains("Message from Client 1: Kya re?", server.StdOut, StringComparison.Ordinal);
        Assert.Contains("error: datagram from 127.0.0.1:", server.StdErr, StringComparison.Ordinal);
        Assert.False(server.HasExited);
        // SIGTERM: 0, or 143 when the embedded silo was still stopping as System.CommandLine's termination timeout ran out
        Assert.Contains(await server.TerminateAsync(TimeSpan.FromSeconds(30)), new[] { 0, 143 });
        Assert.Contains("stopped after 7 datagrams (3 errors)", server.StdOut, StringComparison.Ordinal);
    }

    private static async Task<string> ExchangeAsync(UdpClient udp, byte[] datagram, int port)
    {
        await udp.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reply = await udp.ReceiveAsync(timeout.Token);
        return Encoding.UTF8.GetString(reply.Buffer);
    }

    private async Task<List<string>> RunSeedClientAsync(string digit, int port, string typed)
    {
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Groups", "python", "seed_client.py"));
        using var python = Process.Start(new ProcessStartInfo("python3", [script, digit, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            await python.StandardInput.WriteAsync(typed);
            python.StandardInput.Close();
            var stdout = python.StandardOutput.ReadToEndAsync();
            var stderr = python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"client{digit}: {await stdout}{await stderr}");
            Assert.True(python.ExitCode == 0, await stderr);
            return [.. (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
        finally
        {
            if (!python.HasExited)
            {
                python.Kill();
            }
        }
    }
}
