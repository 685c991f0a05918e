using System.Diagnostics;

namespace OrleansDist.Lab.Tests;

/// <summary>A program run on a lab host (<c>ip netns exec</c>), its output collected line by line with arrival times.</summary>
public sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private LabProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>stdout and stderr interleaved, as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines.Select(l => l.Line));
            }
        }
    }

    public IReadOnlyList<(DateTimeOffset At, string Line)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static LabProcess Start(IEnumerable<string> ipArguments, ITestOutputHelper? output = null)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in ipArguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start ip netns exec");
        var started = new LabProcess(process);
        output?.WriteLine($"started (pid {process.Id}): ip {string.Join(' ', info.ArgumentList)}");
        process.OutputDataReceived += (_, e) => started.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => started.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for an output line that <paramref name="match"/> accepts (lines already printed count).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var earlier = _lines.FirstOrDefault(l => match(l.Line));
            if (earlier.Line is not null)
            {
                return earlier.Line;
            }

            _waiters.Add((match, seen));
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        if (first == exited)
        {
            _process.WaitForExit();
            if (seen.Task.IsCompleted)
            {
                return await seen.Task;
            }

            throw new InvalidOperationException($"the program exited (code {_process.ExitCode}) before printing the awaited line:\n{Tail()}");
        }

        throw new TimeoutException($"no awaited line within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>Writes a line to the program's stdin.</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Tail(int lines = 40)
    {
        lock (_lines)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)).Select(l => l.Line));
        }
    }

    /// <summary>SIGKILL if still running (ip netns exec replaced itself with the program: the pid is the program's).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_lines)
        {
            _lines.Add((DateTimeOffset.UtcNow, line));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched.ForEach(m => m.TrySetResult(line));
    }
}
