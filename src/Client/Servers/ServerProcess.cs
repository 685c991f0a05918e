using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansDist.Client.Servers;

/// <summary>
/// A task server the experiment runs as a child process (<c>server run</c>, or a Python baseline), found ready by its
/// <c>SERVER READY design=D port=P</c> line. Its last output lines are kept to explain a failure.
/// </summary>
internal sealed partial class ServerProcess : ITaskServerUnderTest
{
    private const int KeptLines = 12;

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, string design)
    {
        _process = process;
        Design = design;
    }

    public string Design { get; }

    public int Pid => _process.Id;

    public int Port { get; private set; }

    public string ReadyLine { get; private set; } = "";

    public IPEndPoint Endpoint => new(IPAddress.Loopback, Port);

    public string Description => $"{ReadyLine} (pid {Pid})";

    public bool HasExited => _process.HasExited;

    private string? _killedBecause;

    /// <summary>Why the process is gone, with its last output; empty while it runs.</summary>
    public string ExitDescription => !_process.HasExited ? ""
        : _killedBecause ?? $"server process exited (code {_process.ExitCode}){LastOutput}";

    /// <summary>Kills the server and all its processes at once (SIGKILL), remembering why.</summary>
    public async Task KillAsync(string because)
    {
        _killedBecause = because;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // gone already
        }

        await _process.WaitForExitAsync();
    }

    public string LastOutput
    {
        get
        {
            lock (_lastLines)
            {
                return _lastLines.Count == 0 ? "" : ": " + string.Join(" | ", _lastLines);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string design, ProcessStartInfo info, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var process = Process.Start(info) ?? throw new CommandFailedException($"cannot start the {design} server");
        var server = new ServerProcess(process, design);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => server._ready.TrySetException(new CommandFailedException($"the {design} server exited before it was ready"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Port = await server._ready.Task.WaitAsync(readyTimeout, cancellationToken);
            return server;
        }
        catch (Exception ex) when (ex is TimeoutException or CommandFailedException)
        {
            await server.DisposeAsync();
            var why = ex is TimeoutException ? $"not ready within {readyTimeout.TotalSeconds:0} s" : "exited before it was ready";
            throw new CommandFailedException($"the {design} server {why}{server.LastOutput}", ex);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var ready = ReadyPattern().Match(line);
        if (ready.Success)
        {
            ReadyLine = line;
            _ready.TrySetResult(int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line.Length > 200 ? line[..200] + "…" : line);
            while (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>Forgets the output so far, so that a later failure is explained by what came after.</summary>
    public void ClearOutput()
    {
        lock (_lastLines)
        {
            _lastLines.Clear();
        }
    }

    public ProcessTreeStats? Stats() => _process.HasExited ? ProcessTreeStats.Empty : ProcessTreeStats.Read(_process.Id);

    [GeneratedRegex(@"^SERVER READY design=\S+ port=(\d+)")]
    private static partial Regex ReadyPattern();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: the process design's parent then stops its workers itself
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }
}
