using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OrleansDist.Dashboard.Tests;

/// <summary>The standalone program <c>dotnet OrleansDist.Dashboard.dll</c>: READY line, exit codes, graceful SIGTERM.</summary>
public sealed partial class StandaloneProgramTests
{
    private static string DashboardDll => Path.Combine(AppContext.BaseDirectory, "OrleansDist.Dashboard.dll");

    [Fact]
    public async Task PrintsTheReadyLineServesAndStopsGracefullyOnSigterm()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { DashboardDll, "--port", "0", "--bind", "127.0.0.1", "--max-traces", "10" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = ProcessRunner.Start(info, out var stdout, out var stderr);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            Match ready;
            while (!(ready = ReadyLine().Match(Snapshot(stdout))).Success)
            {
                Assert.False(process.HasExited, $"the dashboard exited early:\n{stdout}\n{stderr}");
                Assert.True(DateTime.UtcNow < deadline, $"no READY line within 20 s:\n{stdout}\n{stderr}");
                await Task.Delay(50);
            }

            var url = new Uri(ready.Groups["url"].Value);
            Assert.Equal(new Uri(url, "v1/traces").ToString(), ready.Groups["otlp"].Value);
            using var http = new HttpClient();
            Assert.Equal("[]", await http.GetStringAsync(new Uri(url, "api/traces")));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--max-traces", "0")]
    [InlineData("--bind", "not-an-ip")]
    [InlineData("--no-such-option", "1")]
    public async Task BadArgumentsExitWithCode2AndAReason(string option, string value)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [DashboardDll, option, value], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error:", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("DASHBOARD READY", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUseExitsWithCode1()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await ProcessRunner.RunAsync("dotnet", [DashboardDll, "--port", port], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"127.0.0.1:{port}", result.StandardError, StringComparison.Ordinal);
    }

    private static string Snapshot(System.Text.StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    [GeneratedRegex(@"^DASHBOARD READY url=(?<url>http://\S+/) otlp=(?<otlp>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ReadyLine();
}
