using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Clocks;

/// <summary>
/// <c>orleansdist clock serve</c> (embedded 3-silo cluster) against Python clients written the seed's way: two Berkeley
/// slaves with different skews, a peer sending garbage, and the Cristian client. All end within 10 ms of the master.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class ClockServeTests(ITestOutputHelper output)
{
    private const double ToleranceMs = 10;

    [Fact]
    public async Task SeedStylePythonClients_EndWithin10msOfEachOtherAndOfTheMaster()
    {
        await using var server = ProgramProcess.Start(SiloProcess.ClientDll, "clock", "serve", "--cristian-port", "0", "--berkeley-port", "0", "--period", "1s");
        var ready = await server.WaitForLineAsync(l => l.StartsWith("CLOCK SERVER READY", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        var cristianPort = int.Parse(Ready().Match(ready).Groups[1].Value, CultureInfo.InvariantCulture);
        var berkeleyPort = int.Parse(Ready().Match(ready).Groups[2].Value, CultureInfo.InvariantCulture);

        // garbage from one peer is logged and that connection dropped; the slaves beside it are not affected
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync("127.0.0.1", berkeleyPort);
            await garbage.GetStream().WriteAsync(Encoding.ASCII.GetBytes("hello, master\n"));
            var buffer = new byte[16];
            var read = await garbage.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, read);
        }

        var slaveA = RunPython("berkeley_slave.py", $"{berkeleyPort}", "+2.0", "A", "7", "1");
        var slaveB = RunPython("berkeley_slave.py", $"{berkeleyPort}", "-1.5", "B", "7", "1");
        var (a, b) = (await slaveA, await slaveB);
        var cristian = await RunPython("cristian_client.py", $"{cristianPort}");

        // the master's true offset at the end: the last round line printed
        var lastRound = await server.WaitForLineAsync(l => l.StartsWith("round ", StringComparison.Ordinal) && MasterOffset().IsMatch(l), TimeSpan.FromSeconds(10));
        await Task.Delay(1500);
        lastRound = server.StdOut.Split('\n').Last(l => l.StartsWith("round ", StringComparison.Ordinal) && MasterOffset().IsMatch(l));
        var master = double.Parse(MasterOffset().Match(lastRound).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine(server.Output);

        var offsetA = Final(a);
        var offsetB = Final(b);
        var offsetCristian = Final(cristian);
        Report.Measured(output, string.Create(CultureInfo.InvariantCulture,
            $"[clock serve] master {master:+0.000;-0.000} ms; slave A (skew +2000 ms) {offsetA:+0.000;-0.000} ms, slave B (skew -1500 ms) {offsetB:+0.000;-0.000} ms, Cristian client {offsetCristian:+0.000;-0.000} ms"));
        Assert.Contains("sent malformed input \"hello, master\\x0a\"", server.StdOut);
        Assert.Matches("told tcp:127\\.0\\.0\\.1:\\d+ its clock should read .* \\(correction -19\\d\\d\\.\\d+ ms\\)", server.StdOut);
        Assert.Matches("told tcp:127\\.0\\.0\\.1:\\d+ its clock should read .* \\(correction \\+1[45]\\d\\d\\.\\d+ ms\\)", server.StdOut);
        Assert.InRange(offsetA - offsetB, -ToleranceMs, ToleranceMs);
        Assert.InRange(offsetA - master, -ToleranceMs, ToleranceMs);
        Assert.InRange(offsetB - master, -ToleranceMs, ToleranceMs);
        Assert.InRange(offsetCristian - master, -ToleranceMs, ToleranceMs);
    }

    private static double Final(string stdout) =>
        double.Parse(FinalOffset().Match(stdout) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no FINAL line in:\n{stdout}"), CultureInfo.InvariantCulture);

    private async Task<string> RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(PythonFolder, script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        try
        {
            await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!python.HasExited)
            {
                python.Kill(entireProcessTree: true);
            }
        }

        output.WriteLine($"$ python3 {script} {string.Join(' ', args)}\n{await stdout}{await stderr}");
        Assert.True(python.ExitCode == 0, $"{script} exited with {python.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>tests/Cluster.Tests/Clocks/python in the source tree (the test binaries live under tests/Cluster.Tests/bin/...).</summary>
    private static string PythonFolder =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Clocks", "python"));

    [GeneratedRegex(@"cristian=[^:\s]+:(\d+) berkeley=[^:\s]+:(\d+)")]
    private static partial Regex Ready();

    [GeneratedRegex(@"master=([+-]?\d+\.\d+)")]
    private static partial Regex MasterOffset();

    [GeneratedRegex(@"FINAL \S+ offset_ms=([+-]?\d+\.\d+)")]
    private static partial Regex FinalOffset();
}
