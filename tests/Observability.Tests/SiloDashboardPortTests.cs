using System.Diagnostics;
using System.Text;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// <c>OrleansDist.Silo --dashboard-port</c> when the port is taken: the default one (silo port + 1000) is skipped with a
/// warning and the silo starts without a dashboard; an explicit one is a usage error (exit 2).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SiloDashboardPortTests
{
    [Fact]
    public async Task An_explicit_dashboard_port_in_use_is_an_error_with_exit_code_2()
    {
        using var taken = Ports.HoldFree(out var port);
        var siloPort = Ports.Free();
        var result = await ProcessRunner.RunAsync("dotnet", SiloArguments(siloPort, "--dashboard-port", $"{port}"), TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"error: --dashboard-port {port} is in use", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("SILO READY", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_dashboard_port_in_use_is_skipped_with_a_warning_and_the_silo_starts()
    {
        // a silo port whose default dashboard port (silo port + 1000) exists, held busy
        int siloPort;
        System.Net.Sockets.TcpListener? taken;
        do
        {
            siloPort = Ports.Free();
            taken = siloPort + 1000 <= 65535 ? Ports.Hold(siloPort + 1000) : null;
        }
        while (taken is null);

        using (taken)
        {
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in SiloArguments(siloPort))
            {
                info.ArgumentList.Add(argument);
            }

            using var silo = ProcessRunner.Start(info, out var stdout, out var stderr);
            try
            {
                var ready = await ObservedClusterFixture.WaitForAsync(
                    () => Text(stdout).Split('\n').FirstOrDefault(l => l.StartsWith("SILO READY", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
                Assert.True(ready is not null, $"no SILO READY within 60 s:\n{Text(stdout)}\n{Text(stderr)}");
                Assert.EndsWith(" dashboard=none", ready.TrimEnd());
                Assert.Contains(
                    $"warning: port {siloPort + 1000} (the default Orleans Dashboard port of silo port {siloPort}) is in use; this silo serves no dashboard",
                    Text(stderr),
                    StringComparison.Ordinal);
            }
            finally
            {
                silo.Kill(entireProcessTree: true);
                await silo.WaitForExitAsync();
            }
        }
    }

    private static List<string> SiloArguments(int siloPort, params string[] more) =>
    [
        RepositoryPaths.ProgramDll("Silo", "OrleansDist.Silo.dll"), "--name", "s0", "--cluster-id", "dashboard-port-" + Guid.NewGuid().ToString("N")[..8],
        "--silo-port", $"{siloPort}", "--gateway-port", $"{Ports.Free()}", "--membership", "localhost", "--primary", $"127.0.0.1:{siloPort}",
        "--fast-membership", .. more,
    ];

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
