using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansDist.LineServer.Tests.Infrastructure;

/// <summary>The real executable (<c>dotnet OrleansDist.LineServer.dll ...</c>), as a course client would meet it.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The server dll, copied beside the tests by the project reference (with its runtimeconfig and deps).</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "OrleansDist.LineServer.dll");

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.None, 0);

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    /// <summary>Starts the server and waits for its READY line.</summary>
    public static async Task<ServerProcess> StartAsync(params string[] args)
    {
        var server = new ServerProcess(Process.Start(StartInfo(args))!);
        server.Pump();
        var finished = await Task.WhenAny(server._ready.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(15)));
        if (finished != server._ready.Task)
        {
            await server.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"The line server did not become ready.\nstdout:\n{server.Stdout}\nstderr:\n{server.Stderr}");
        }

        var match = ReadyPattern().Match(await server._ready.Task);
        server.EndPoint = IPEndPoint.Parse(match.Groups["endpoint"].Value);
        return server;
    }

    /// <summary>Runs the executable to completion (for --help and bad arguments).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Pump()
    {
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }

            if (ReadyPattern().IsMatch(e.Data))
            {
                _ready.TrySetResult(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    [GeneratedRegex(@"^LINE SERVER READY endpoint=(?<endpoint>\S+) lines=(?<lines>\d+) rate=(?<rate>\S+)/s$")]
    private static partial Regex ReadyPattern();
}
