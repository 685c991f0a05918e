using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansDist.Telemetry;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// The real thing, once for the class: an Aspire dashboard process, two <c>OrleansDist.Silo</c> processes exporting to it
/// over OTLP (each serving its Orleans Dashboard), and one line download by the <c>orleansdist</c> client process
/// (exporting too) on that cluster. Every wait is bounded; every process is killed at the end.
/// </summary>
public sealed class ObservedClusterFixture : IAsyncLifetime
{
    private readonly List<(Process Process, StringBuilder Out, StringBuilder Err)> _silos = [];

    public AspireDashboardProcess Dashboard { get; private set; } = null!;

    public HttpClient Api { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string ClusterId { get; } = "observed-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The <c>SILO READY</c> lines.</summary>
    public List<string> ReadyLines { get; } = [];

    public List<string> SiloAddresses { get; } = [];

    public List<string> OrleansDashboards { get; } = [];

    public ProcessRunner.Result Download { get; private set; } = null!;

    public StringWriter DashboardLog { get; } = new();

    public async Task InitializeAsync()
    {
        Dashboard = await AspireDashboardProcess.StartAsync(DashboardLog, uiPort: 0, otlpGrpcPort: 0, otlpHttpPort: 0, readyTimeout: TimeSpan.FromSeconds(60));
        var otlp = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Dashboard.OtlpGrpcEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        };
        var primaryPort = 0;
        var gateways = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            // The ports are probed free, yet a test process beside this one may bind one before the silo does; the silo
            // then exits saying "is in use" and starts again on other ports (silo0's is the primary, so silo1 follows it).
            for (var attempt = 1; ; attempt++)
            {
                var siloPort = FreePort();
                primaryPort = i == 0 ? siloPort : primaryPort;
                var gatewayPort = FreePort();
                var dashboardPort = FreePort();
                var (process, stdout, stderr) = StartSilo(i, siloPort, gatewayPort, dashboardPort, primaryPort, otlp);
                _silos.Add((process, stdout, stderr));
                var ready = await WaitForAsync(() => Lines(stdout).FirstOrDefault(l => l.StartsWith("SILO READY", StringComparison.Ordinal)) ?? (process.HasExited ? "" : null), TimeSpan.FromSeconds(60));
                if (ready is { Length: > 0 })
                {
                    ReadyLines.Add(ready);
                    SiloAddresses.Add($"127.0.0.1:{siloPort}");
                    OrleansDashboards.Add(Field(ready, "dashboard"));
                    gateways.Add($"127.0.0.1:{gatewayPort}");
                    break;
                }

                if (ready is not null)
                {
                    process.WaitForExit(); // exited: this waits for the last of its output to be read
                }

                if (ready is null || attempt == 3 || !Lines(stderr).Any(l => l.Contains(" is in use (", StringComparison.Ordinal)))
                {
                    var why = ready is null ? "did not print SILO READY within 60 s" : $"exited with code {process.ExitCode} before SILO READY";
                    throw new TimeoutException($"silo{i} {why} (attempt {attempt}):\n{stdout}\n{stderr}");
                }

                _silos.RemoveAt(_silos.Count - 1);
                process.Dispose();
            }
        }

        var client = new List<string> { RepositoryPaths.ProgramDll("Client", "OrleansDist.Client.dll"), "download", "--cluster", "--cluster-id", ClusterId };
        foreach (var gateway in gateways)
        {
            client.AddRange(["--gateway", gateway]);
        }

        client.AddRange(["--fetchers", "2", "--lines", "200", "--rate", "400", "--timeout", "60"]);
        Download = await ProcessRunner.RunAsync("dotnet", client, TimeSpan.FromSeconds(120), environment: otlp);
    }

    /// <summary>GETs a JSON document of the dashboard's API.</summary>
    public async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        using var response = await Api.GetAsync(new Uri(Dashboard.UiUri, pathAndQuery));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public string SiloOutput => string.Join("\n", _silos.Select((s, i) => $"--- silo{i} ---\n{s.Out}\n{s.Err}"));

    public async Task DisposeAsync()
    {
        foreach (var (process, _, _) in _silos)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // gone already, or SIGKILL did not finish in 10 s: nothing more to do
            }

            process.Dispose();
        }

        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }

        Api.Dispose();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value or <paramref name="timeout"/> passes (then null).</summary>
    public static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        return probe();
    }

    private static string[] Lines(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        }
    }

    private static string Field(string line, string name) =>
        line.Split(' ').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private (Process Process, StringBuilder Out, StringBuilder Err) StartSilo(
        int index, int siloPort, int gatewayPort, int dashboardPort, int primaryPort, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[]
        {
            RepositoryPaths.ProgramDll("Silo", "OrleansDist.Silo.dll"), "--name", $"silo{index}", "--cluster-id", ClusterId, "--service-id", ClusterId,
            "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--membership", "localhost", "--primary", $"127.0.0.1:{primaryPort}",
            "--fast-membership", "--dashboard-port", $"{dashboardPort}",
        })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = ProcessRunner.Start(info, out var stdout, out var stderr);
        return (process, stdout, stderr);
    }

    private static int FreePort() => Ports.Free();
}
