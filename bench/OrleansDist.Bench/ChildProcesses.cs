using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace OrleansDist.Bench;

/// <summary>
/// The bench's child processes (this same executable with --role ...). Each is killed with its process tree when the
/// bench ends, fails, is interrupted (Ctrl+C, SIGTERM, SIGHUP, SIGQUIT) or exits; a child also exits by itself when its standard input
/// closes, so even a bench killed with SIGKILL leaves no orphans.
/// </summary>
internal sealed class ChildProcesses : IDisposable
{
    private readonly List<Child> _children = [];
    private readonly bool _verbose;
    private readonly object _disposeLock = new();
    private bool _disposed;

    /// <summary>Set when the bench was interrupted (Ctrl+C, SIGTERM, ...): failures that follow are the children going away, not bench errors.</summary>
    public static volatile bool Interrupted;

    /// <summary>The exit code after an interruption: 128 + the signal number.</summary>
    public static volatile int InterruptExitCode = 130;

    /// <summary>Kept for the process lifetime: a collected registration would restore the default (children left to their stdin watchers).</summary>
    private readonly List<PosixSignalRegistration> _signals = [];

    public ChildProcesses(bool verbose)
    {
        _verbose = verbose;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Dispose();

        // Ctrl+C, kill, a closed terminal, Ctrl+\: stop the children, then exit with 128 + the signal number. (The Orleans
        // client's host does not listen for signals: BenchRunner gives it no console lifetime.)
        foreach (var (signal, code) in new[] { (PosixSignal.SIGINT, 130), (PosixSignal.SIGTERM, 143), (PosixSignal.SIGHUP, 129), (PosixSignal.SIGQUIT, 131) })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                InterruptExitCode = code;
                Interrupted = true;
                Console.Error.WriteLine();
                Console.Error.WriteLine($"interrupted ({context.Signal}): stopping the child processes");
                Dispose();
                Environment.Exit(code);
            }));
        }
    }

    /// <summary>Starts a child and returns once it printed its READY line (or fails with its stderr tail).</summary>
    public async Task<Child> StartAsync(string name, IEnumerable<string> args, TimeSpan readyTimeout)
    {
        var (fileName, prefix) = SelfCommand();
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        var child = new Child(name, _verbose);
        lock (_disposeLock)
        lock (_children)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            child.Start(info);
            _children.Add(child);
        }

        try
        {
            await child.Ready.WaitAsync(readyTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"child '{name}' (pid {child.Pid}) did not print READY within {readyTimeout.TotalSeconds:0} s; its stderr:{Environment.NewLine}{child.StderrTail()}");
        }

        return child;
    }

    /// <summary>How to run this program again: the apphost directly, or "dotnet OrleansDist.Bench.dll".</summary>
    private static (string FileName, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start child processes");
        var isDotnetHost = Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnetHost ? (path, [Assembly.GetEntryAssembly()!.Location]) : (path, []);
    }

    /// <summary>Free loopback ports (bound to port 0 then released), all distinct.</summary>
    public static int[] FreePorts(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(s);
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var s in sockets)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Asks every child to stop (stdin closed), waits briefly, then kills whatever is left. Concurrent callers wait for the first.</summary>
    public void Dispose()
    {
        lock (_disposeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Child[] children;
            lock (_children)
            {
                children = [.. _children];
            }

            foreach (var child in children)
            {
                child.RequestStop();
            }

            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
            foreach (var child in children)
            {
                var left = (int)Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
                child.KillUnlessExited(left);
            }
        }
    }

    internal sealed class Child(string name, bool verbose)
    {
        private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Queue<string> _stderrTail = new();
        private Process? _process;

        public string Name { get; } = name;

        public Task<string> Ready => _ready.Task;

        public int Pid => _process?.Id ?? 0;

        public void Start(ProcessStartInfo info)
        {
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                if (e.Data.StartsWith("READY", StringComparison.Ordinal))
                {
                    _ready.TrySetResult(e.Data);
                }
                else if (verbose)
                {
                    Console.Error.WriteLine($"[{Name}] {e.Data}");
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(e.Data);
                    if (_stderrTail.Count > 40)
                    {
                        _stderrTail.Dequeue();
                    }
                }

                if (verbose)
                {
                    Console.Error.WriteLine($"[{Name}] {e.Data}");
                }
            };
            process.Exited += (_, _) =>
            {
                // give the stderr reader a moment to deliver the last lines
                Thread.Sleep(100);
                _ready.TrySetException(new InvalidOperationException($"child '{Name}' exited with code {SafeExitCode(process)} before it was ready:{Environment.NewLine}{StderrTail()}"));
            };
            process.Start();
            _process = process;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string StderrTail()
        {
            lock (_stderrTail)
            {
                return string.Join(Environment.NewLine, _stderrTail.Select(l => "  | " + l));
            }
        }

        public bool HasExited => _process is null || _process.HasExited;

        public void RequestStop()
        {
            try
            {
                if (_process is { HasExited: false })
                {
                    _process.StandardInput.Close();
                }
            }
            catch (Exception)
            {
                // already gone
            }
        }

        public void KillUnlessExited(int waitMs)
        {
            var process = _process;
            if (process is null)
            {
                return;
            }

            try
            {
                if (!process.WaitForExit(waitMs))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(2000);
                }
            }
            catch (Exception)
            {
                // already gone
            }
        }

        private static string SafeExitCode(Process p)
        {
            try
            {
                return p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return "?";
            }
        }
    }
}
