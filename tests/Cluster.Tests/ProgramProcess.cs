using System.Diagnostics;
using System.Text;

namespace OrleansDist.Cluster.Tests;

/// <summary>A real program (silo, line server, client) run in the background, its output (stdout and stderr) collected line by line.</summary>
public class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private int _disposed;

    protected ProgramProcess(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        _process = ChildProcesses.StartDotnet(dll, args, environment);
        Pid = _process.Id;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>stdout and stderr interleaved, as they arrived.</summary>
    public string Output => Read(_output);

    public string StdOut => Read(_stdout);

    public string StdErr => Read(_stderr);

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ProgramProcess Start(string dll, params string[] args) => new(dll, args);

    /// <summary>Waits for an output line that <paramref name="match"/> accepts (lines already printed count).</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (match(line.TrimEnd('\r')))
                {
                    return Task.FromResult(line.TrimEnd('\r'));
                }
            }

            _waiters.Add((match, seen));
        }

        return WaitAsync(seen.Task, timeout);

        async Task<string> WaitAsync(Task<string> line, TimeSpan patience)
        {
            var exited = _process.WaitForExitAsync();
            var first = await Task.WhenAny(line, exited, Task.Delay(patience));
            if (first == line)
            {
                return await line;
            }

            if (first == exited)
            {
                // the line may have been the last one printed
                _process.WaitForExit();
                if (line.IsCompleted)
                {
                    return await line;
                }

                throw new InvalidOperationException($"the program exited (code {_process.ExitCode}) before printing the awaited line:\n{Output}");
            }

            throw new TimeoutException($"no awaited line within {patience.TotalSeconds:0.#} s:\n{Output}");
        }
    }

    /// <summary>Waits for the exit; kills the program (and throws) at the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            ChildProcesses.Kill(_process);
            throw new TimeoutException($"the program did not exit within {timeout.TotalSeconds:0.#} s:\n{Output}");
        }

        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary><c>kill -9</c>: no goodbye, no table write.</summary>
    public void Kill() => ChildProcesses.Kill(_process);

    /// <summary>Waits until the killed process is gone (its ports closed).</summary>
    public Task WaitUntilGoneAsync() => _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

    protected virtual void OnLine(string line)
    {
    }

    private void OnLine(string? line, StringBuilder stream)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_output)
        {
            _output.AppendLine(line);
            stream.AppendLine(line);
            foreach (var waiter in _waiters.ToList())
            {
                if (waiter.Match(line))
                {
                    matched.Add(waiter.Seen);
                    _waiters.Remove(waiter);
                }
            }
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(line);
        }

        OnLine(line);
    }

    private string Read(StringBuilder buffer)
    {
        lock (_output)
        {
            return buffer.ToString();
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await ChildProcesses.KillAndForgetAsync(_process);
        _process.Dispose();
        GC.SuppressFinalize(this);
    }
}
