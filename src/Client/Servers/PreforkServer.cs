using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The process design as a pre-forked pool (like Apache's prefork): the parent opens the listening socket, hands it to
/// <see cref="ServerRunSettings.Workers"/> worker processes (this program again, <c>server worker</c>) and never
/// accepts itself. Each worker serves one connection at a time, so at most Workers clients are served at once and the
/// rest wait in the accept queue. .NET cannot fork a process per connection as the seed's Python server does, and a
/// fresh .NET process per connection would cost far more than a fork. A worker that dies is replaced.
/// </summary>
internal sealed class PreforkServer : IRunningServer
{
    public const string WorkerReadyPrefix = "WORKER READY";

    private readonly Socket _listener;
    private readonly ServerRunSettings _settings;
    private readonly int _fd;
    private readonly ConcurrentDictionary<int, Process> _workers = new();
    private readonly CancellationTokenSource _stop = new();
    private int _replaced;

    private PreforkServer(Socket listener, int fd, ServerRunSettings settings)
    {
        _listener = listener;
        _fd = fd;
        _settings = settings;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public ServerDesign Design => ServerDesign.Process;

    public int Port { get; }

    public string Details => $"workers={_workers.Count}";

    /// <summary>Worker processes that died and were replaced.</summary>
    public int Replaced => _replaced;

    public IReadOnlyCollection<int> WorkerPids => [.. _workers.Keys];

    public static async Task<PreforkServer> StartAsync(ServerRunSettings settings, CancellationToken cancellationToken)
    {
        var listener = ServerSocket.Listen(new IPEndPoint(settings.Address, settings.Port), settings.Backlog);
        var server = new PreforkServer(listener, SocketInheritance.Inherit(listener), settings);
        try
        {
            // a few at a time: 100 .NET start-ups at once on two cores take as long as one after another, and one failing is seen sooner
            using var gate = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount * 2));
            await Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(async _ =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await server.StartWorkerAsync(cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task StartWorkerAsync(CancellationToken cancellationToken)
    {
        var info = SelfCommand.Create(
        [
            "server", "worker",
            "--listen-fd", _fd.ToString(CultureInfo.InvariantCulture),
            "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            "--task-ms", ((long)_settings.TaskDuration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--work", _settings.Work.ToString().ToLowerInvariant(),
            "--max-line", _settings.MaxLineBytes.ToString(CultureInfo.InvariantCulture),
        ]);
        var process = Process.Start(info) ?? throw new CommandFailedException("cannot start a worker process");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastError = "";
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(WorkerReadyPrefix, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lastError = line;
                Console.Error.WriteLine($"worker {process.Id}: {line}");
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            ready.TrySetException(new CommandFailedException($"worker process {process.Id} exited (code {process.ExitCode}) before it was ready: {lastError}"));
            OnWorkerExited(process);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _workers[process.Id] = process;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private void OnWorkerExited(Process process)
    {
        _workers.TryRemove(process.Id, out _);
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Increment(ref _replaced);
        Console.Error.WriteLine($"worker process {process.Id} exited (code {process.ExitCode}); starting another");
        _ = Task.Run(async () =>
        {
            try
            {
                await StartWorkerAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is CommandFailedException or TimeoutException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"cannot replace worker {process.Id}: {ex.Message}");
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var worker in _workers.Values)
        {
            try
            {
                worker.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // gone already
            }
        }

        foreach (var worker in _workers.Values)
        {
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            worker.Dispose();
        }

        _listener.Dispose();
    }
}
