using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansDist.Cluster.Tests.Servers;

/// <summary>
/// A task server run as a user runs it: <c>dotnet OrleansDist.Client.dll server run --design D</c>, or a Python baseline
/// (<c>python3 bench/servers/py_server.py</c>), its output collected; killed with its whole process tree when disposed
/// (or when the test process exits).
/// </summary>
public sealed partial class TaskServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static TaskServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                Kill(process);
            }
        };
    }

    private TaskServerProcess(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ORLEANSDIST_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        Running[_process.Id] = _process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; private set; }

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

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    public static string BenchServers => Path.Combine(RepositoryRoot, "bench", "servers");

    /// <summary>Starts a design and waits for <c>SERVER READY design=D port=P</c>.</summary>
    public static async Task<TaskServerProcess> StartAsync(string design, int taskMs, params string[] extra)
    {
        var taskArgument = taskMs.ToString(CultureInfo.InvariantCulture);
        var info = design.StartsWith("py-", StringComparison.Ordinal)
            ? Command("python3", ["-u", Path.Combine(BenchServers, "py_server.py"), "--design", design[3..], "--port", "0", "--task-ms", taskArgument, .. extra])
            : Command("dotnet", [SiloProcess.ClientDll, "server", "run", "--design", design, "--port", "0", "--task-ms", taskArgument, .. extra]);
        var server = new TaskServerProcess(info);
        try
        {
            var exited = server._process.WaitForExitAsync();
            var first = await Task.WhenAny(server._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(first == server._ready.Task, $"{design}: no SERVER READY line:\n{server.Output}");
            var match = ReadyPattern().Match(await server._ready.Task);
            Assert.Equal(design, match.Groups[1].Value);
            server.Port = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The seed-style Python client: N client processes, each one connection and one task; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunSeedClientAsync(int port, int clients, TimeSpan timeout)
    {
        var info = Command("python3", [Path.Combine(BenchServers, "client.py"), "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), clients.ToString(CultureInfo.InvariantCulture)]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill(process);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL of the server's main process only (its workers are left to notice).</summary>
    public void KillMainProcess() => _process.Kill(entireProcessTree: false);

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    private static ProcessStartInfo Command(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
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

        if (line.StartsWith("SERVER READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // gone meanwhile
        }
    }

    [GeneratedRegex(@"^SERVER READY design=(\S+) port=(\d+)")]
    private static partial Regex ReadyPattern();

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }
}
