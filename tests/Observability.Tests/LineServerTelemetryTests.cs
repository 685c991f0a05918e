using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansDist.Telemetry;

namespace OrleansDist.Observability.Tests;

/// <summary>
/// The line server program shares the telemetry service defaults: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set it exports
/// its logs and metrics (its SENDLINE counters) to a real Aspire dashboard as <c>orleansdist-line-server</c>.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class LineServerTelemetryTests
{
    [Fact]
    public async Task The_line_server_program_exports_its_logs_and_metrics_over_OTLP_when_OTEL_variables_ask()
    {
        await using var dashboard = await AspireDashboardProcess.StartAsync(TextWriter.Null, uiPort: 0, otlpGrpcPort: 0, otlpHttpPort: 0, readyTimeout: TimeSpan.FromSeconds(60));
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { RepositoryPaths.ProgramDll("LineServer", "OrleansDist.LineServer.dll"), "--port", "0", "--bind", "127.0.0.1", "--lines", "20" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString();
        info.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        using var server = ProcessRunner.Start(info, out var stdout, out var stderr);
        try
        {
            var ready = await ObservedClusterFixture.WaitForAsync(
                () => Text(stdout).Split('\n').FirstOrDefault(l => l.StartsWith("LINE SERVER READY", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
            Assert.True(ready is not null, $"no LINE SERVER READY:\n{Text(stdout)}\n{Text(stderr)}");
            var port = int.Parse(ready.Split(' ').First(p => p.StartsWith("endpoint=", StringComparison.Ordinal)).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

            // three SENDLINEs, so that there is something to count
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync("127.0.0.1", port);
                using var stream = tcp.GetStream();
                await stream.WriteAsync("SENDLINE\nSENDLINE\nSENDLINE\n"u8.ToArray());
                using var reader = new StreamReader(stream);
                for (var i = 0; i < 3; i++)
                {
                    Assert.NotNull(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
                }
            }

            using var api = new HttpClient { BaseAddress = dashboard.UiUri, Timeout = TimeSpan.FromSeconds(10) };
            var resource = await WaitForAsync(async () =>
            {
                using var resources = JsonDocument.Parse(await api.GetStringAsync("api/telemetry/resources"));
                var found = resources.RootElement.EnumerateArray().FirstOrDefault(r => r.GetProperty("name").GetString() == "orleansdist-line-server");
                return found.ValueKind == JsonValueKind.Object && found.GetProperty("hasLogs").GetBoolean() && found.GetProperty("hasMetrics").GetBoolean()
                    ? found.Clone() as JsonElement?
                    : null;
            });
            Assert.True(resource is not null, "the Aspire dashboard has no orleansdist-line-server resource with logs and metrics");

            var logs = await api.GetStringAsync("api/telemetry/logs?resource=orleansdist-line-server");
            Assert.Contains("Line server listening on 127.0.0.1:", logs, StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(250);
        }

        return null;
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
