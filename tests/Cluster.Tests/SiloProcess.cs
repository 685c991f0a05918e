using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansDist.Cluster.Tests;

/// <summary>A real <c>OrleansDist.Silo</c> process, started the way a user starts one, and killed with SIGKILL or stopped with SIGTERM.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, string name, int siloPort, int gatewayPort)
    {
        _process = process;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IPEndPoint Gateway => new(IPAddress.Loopback, GatewayPort);

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string SiloDll => ProjectOutput("Silo", "OrleansDist.Silo.dll");

    public static string ClientDll => ProjectOutput("Client", "OrleansDist.Client.dll");

    public static string LineServerDll => ProjectOutput("LineServer", "OrleansDist.LineServer.dll");

    private static string ProjectOutput(string project, string dllName)
    {
        // tests/Cluster.Tests/bin/<Configuration>/net10.0 -> src/<project>/bin/<Configuration>/net10.0
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var root = Path.GetFullPath(Path.Combine(testBin, "..", "..", "..", "..", ".."));
        var dll = Path.Combine(root, "src", project, "bin", configuration, framework, dllName);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/{project} first", dll);
    }

    /// <summary>Runs a program to completion (or kills it at the timeout) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr, bool TimedOut)> RunAsync(string dll, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>Starts a silo; its ServiceId is the cluster id, so grain state never leaks between tests sharing a database.</summary>
    public static async Task<SiloProcess> StartAsync(string name, string membership, string clusterId, bool fastMembership, params string[] extraArgs)
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SiloDll);
        foreach (var arg in new[] { "--name", name, "--cluster-id", clusterId, "--service-id", clusterId, "--membership", membership, "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        if (fastMembership)
        {
            info.ArgumentList.Add("--fast-membership");
        }

        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, name, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(_ => silo._ready.TrySetException(new InvalidOperationException($"silo {name} exited with code {process.ExitCode} before it was ready:\n{silo.Output}")), TaskScheduler.Default);
        try
        {
            await silo._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await silo.DisposeAsync();
            throw new TimeoutException($"silo {name} did not print SILO READY within 60 s:\n{silo.Output}");
        }

        return silo;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("SILO READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    /// <summary><c>kill -9</c>: no goodbye, no table write.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM: the silo stops gracefully.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    public override string ToString() => $"{Name} (pid {Pid}, silo port {SiloPort}, gateway {GatewayPort})";
}
