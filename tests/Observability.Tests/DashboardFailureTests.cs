using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// The viewer never holds the work up: a real <c>orleansdist</c> process whose Aspire dashboard is SIGKILLed mid-run, and
/// one whose dashboard ports are taken.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class DashboardFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_Aspire_dashboard_while_the_first_download_runs_fails_no_download()
    {
        var results = Directory.CreateTempSubdirectory("orleansdist-dashboard-killed-");
        try
        {
            var info = ClientStart(
                "experiment", "download", "--fetchers", "1,2", "--repeat", "1", "--lines", "200", "--rate", "400", "--timeout", "120",
                "--dashboard-port", "0", "--out", results.FullName);
            var clock = Stopwatch.StartNew();
            using var client = ProcessRunner.Start(info, out var stdout, out var stderr);
            client.StandardInput.Close();
            string atKill;
            TimeSpan killedAt;
            int dashboardPid;
            try
            {
                var firstRun = await ObservedClusterFixture.WaitForAsync(
                    () => Text(stdout).Contains("[1 fetcher, run 1/1]", StringComparison.Ordinal) ? "started" : client.HasExited ? "exited" : null,
                    TimeSpan.FromSeconds(120));
                Assert.True(firstRun == "started", $"the first download did not start:\n{Text(stdout)}\n{Text(stderr)}");

                // the dashboard is the client's child process (it started it): SIGKILL, no goodbye
                dashboardPid = ChildProcesses(client.Id).FirstOrDefault(pid => CommandLine(pid).Contains("Aspire.Dashboard", StringComparison.Ordinal));
                Assert.True(dashboardPid != 0, $"no Aspire dashboard child of the client:\n{Text(stdout)}");
                using (var dashboard = Process.GetProcessById(dashboardPid))
                {
                    dashboard.Kill(); // SIGKILL on Linux
                    atKill = Text(stdout);
                    killedAt = clock.Elapsed;
                    using var gone = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await dashboard.WaitForExitAsync(gone.Token);
                }

                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
                await client.WaitForExitAsync(deadline.Token);
            }
            finally
            {
                if (!client.HasExited)
                {
                    client.Kill(entireProcessTree: true);
                }
            }

            client.WaitForExit();
            var text = Text(stdout);
            var runs = RunLine().Matches(text).Select(m => m.Value.Trim()).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dashboard (pid {dashboardPid}) SIGKILLed {killedAt.TotalSeconds:0.00} s after the client started, first download running: {!RunLine().IsMatch(atKill)}; "
                + $"client exited with {client.ExitCode} after {clock.Elapsed.TotalSeconds:0.00} s"));
            runs.ForEach(output.WriteLine);

            Assert.True(client.ExitCode == 0, $"exit code {client.ExitCode}:\n{text}\n{Text(stderr)}");
            Assert.False(RunLine().IsMatch(atKill), $"the first download had already finished when the dashboard was killed:\n{atKill}");
            Assert.Equal(2, runs.Count);
            Assert.All(runs, run => Assert.Contains("SUBMIT SUCCESS", run, StringComparison.Ordinal));
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Aspire_dashboard_ports_in_use_give_a_clear_message_and_the_download_still_works()
    {
        using var ui = Ports.HoldFree(out var uiPort);
        // OTLP's standard ports: held here, or already held by someone else (a dashboard of a real run): in use either way
        using var grpc = Ports.Hold(4317);
        using var http = Ports.Hold(4318);

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepositoryPaths.ProgramDll("Client", "OrleansDist.Client.dll"), "download", "--fetchers", "1", "--lines", "50", "--rate", "400", "--timeout", "60", "--dashboard-port", $"{uiPort}"],
            TimeSpan.FromSeconds(120));
        output.WriteLine(result.StandardOutput);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Port {uiPort} (Aspire dashboard UI) is in use, probably by another dashboard or a still-running experiment; using port ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Port 4317 (Aspire dashboard OTLP/gRPC) is in use", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Port 4318 (Aspire dashboard OTLP/HTTP) is in use", result.StandardOutput, StringComparison.Ordinal);
        var announced = AspireLine().Match(result.StandardOutput);
        Assert.True(announced.Success, result.ToString());
        Assert.NotEqual(uiPort, int.Parse(announced.Groups["ui"].Value, CultureInfo.InvariantCulture));
        Assert.NotEqual("4317", announced.Groups["otlp"].Value);
        Assert.Contains("SUBMIT SUCCESS", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
    }

    private static ProcessStartInfo ClientStart(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        info.ArgumentList.Add(RepositoryPaths.ProgramDll("Client", "OrleansDist.Client.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    /// <summary>Processes whose parent is <paramref name="parent"/> (from /proc/*/stat).</summary>
    private static List<int> ChildProcesses(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": the command may hold spaces and parentheses, so read after the last ')'
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }

        return children;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^  → .*$", RegexOptions.Multiline)]
    private static partial Regex RunLine();

    [GeneratedRegex(@"Aspire dashboard: http://127\.0\.0\.1:(?<ui>\d+)/ .*OTLP at http://127\.0\.0\.1:(?<otlp>\d+)/")]
    private static partial Regex AspireLine();
}

/// <summary>Tests that start heavy processes (clusters, dashboards) run one at a time: the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests
{
    public const string Name = "processes";
}
