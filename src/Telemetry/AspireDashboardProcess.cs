using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace OrleansDist.Telemetry;

/// <summary>
/// The standalone Aspire dashboard (NuGet <c>Aspire.Dashboard.Sdk.linux-x64</c>) as a child process on loopback: its UI,
/// OTLP/gRPC and OTLP/HTTP receivers, and its JSON API (<c>/api/telemetry/...</c>), in unsecured mode, which is only for
/// 127.0.0.1. Disposing kills it. Ports that are taken are replaced by free ones, with a message saying so.
/// </summary>
public sealed class AspireDashboardProcess : IAsyncDisposable
{
    /// <summary>Overrides the dashboard executable found at build time.</summary>
    public const string ExecutableVariable = "ORLEANSDIST_ASPIRE_DASHBOARD";

    public const int DefaultUiPort = 18888;
    public const int DefaultOtlpGrpcPort = 4317;
    public const int DefaultOtlpHttpPort = 4318;

    private readonly Process _process;
    private readonly string _home;
    private readonly Queue<string> _output = new();

    private AspireDashboardProcess(Process process, string home, int uiPort, int grpcPort, int httpPort)
    {
        _process = process;
        _home = home;
        UiUri = new Uri($"http://127.0.0.1:{uiPort}/");
        OtlpGrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        OtlpHttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public Uri UiUri { get; }

    /// <summary>Where OpenTelemetry's OTLP exporter sends (gRPC; the exporter's default protocol).</summary>
    public Uri OtlpGrpcEndpoint { get; }

    public Uri OtlpHttpEndpoint { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the dashboard printed (for error messages).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>The dashboard executable: <c>ORLEANSDIST_ASPIRE_DASHBOARD</c>, else the one NuGet restored when OrleansDist was built.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var built = typeof(AspireDashboardProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AspireDashboardPath")?.Value;
        return built is { Length: > 0 } && File.Exists(built) ? built : null;
    }

    /// <summary>
    /// Starts the dashboard and waits (bounded) until it answers <c>/health</c>. A port of 0 means any free port; a
    /// requested port that is taken is replaced by a free one, and <paramref name="log"/> says so.
    /// </summary>
    public static async Task<AspireDashboardProcess> StartAsync(
        TextWriter log, int uiPort = DefaultUiPort, int otlpGrpcPort = DefaultOtlpGrpcPort, int otlpHttpPort = DefaultOtlpHttpPort,
        TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var executable = FindExecutable()
            ?? throw new AspireDashboardException($"the Aspire dashboard executable was not found (restore OrleansDist, or set {ExecutableVariable} to tools/Aspire.Dashboard of the Aspire.Dashboard.Sdk.linux-x64 package)");
        uiPort = await PortOrFreeAsync(uiPort, "UI", log);
        otlpGrpcPort = await PortOrFreeAsync(otlpGrpcPort, "OTLP/gRPC", log);
        otlpHttpPort = await PortOrFreeAsync(otlpHttpPort, "OTLP/HTTP", log);

        // it writes data-protection keys under $HOME/.aspnet: a folder of ours, removed afterwards
        var home = Path.Combine(Path.GetTempPath(), $"orleansdist-aspire-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(home);
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(executable)!,
        };
        start.Environment["HOME"] = home;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{uiPort}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpGrpcPort}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpHttpPort}";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // our own OTEL_* settings are for our processes, not for the viewer
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        var process = Process.Start(start) ?? throw new AspireDashboardException($"could not start {executable}");
        var dashboard = new AspireDashboardProcess(process, home, uiPort, otlpGrpcPort, otlpHttpPort);
        process.OutputDataReceived += (_, e) => dashboard.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await dashboard.WaitUntilHealthyAsync(readyTimeout ?? TimeSpan.FromSeconds(60), cancellationToken);
            return dashboard;
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the dashboard at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // gave it 10 s after SIGKILL; nothing more to do
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // a leftover temp folder is harmless
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new AspireDashboardException($"the Aspire dashboard exited with code {_process.ExitCode} while starting:\n{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(UiUri, "health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet
            }

            if (deadline.Elapsed > timeout)
            {
                throw new AspireDashboardException($"the Aspire dashboard did not answer {new Uri(UiUri, "health")} within {timeout.TotalSeconds:0} s:\n{RecentOutput}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<int> PortOrFreeAsync(int port, string what, TextWriter log)
    {
        var chosen = LocalPorts.PreferredOrFree(port);
        if (port != 0 && chosen != port)
        {
            await log.WriteLineAsync($"Port {port} (Aspire dashboard {what}) is in use, probably by another dashboard or a still-running experiment; using port {chosen} instead.");
        }

        return chosen;
    }
}

/// <summary>The Aspire dashboard could not be found or started.</summary>
public sealed class AspireDashboardException(string message) : Exception(message);
