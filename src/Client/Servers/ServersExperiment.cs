using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// Runs every design as a child process (<c>server run</c>, or the Python baselines), or times a server already running
/// elsewhere (<see cref="ServersExperimentSettings.Target"/>), hits it with each client count
/// <see cref="ServersExperimentSettings.Repeat"/> times, and measures the time until the last reply and what the
/// server's process tree used. A design that fails at a client count is reported with why and not tried at the larger
/// counts; a run its own model says would exceed the run limit (serial: N × T) is skipped and said so.
/// </summary>
internal sealed class ServersExperiment(ServersExperimentSettings settings, TextWriter output)
{
    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(250);

    public async Task<IReadOnlyList<ServerDesignResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<ServerDesignResult>();
        foreach (var design in settings.Designs)
        {
            results.AddRange(await RunDesignAsync(design, cancellationToken));
        }

        return results;
    }

    private async Task<List<ServerDesignResult>> RunDesignAsync(string design, CancellationToken cancellationToken)
    {
        var results = new List<ServerDesignResult>();
        ITaskServerUnderTest server;
        var starting = Stopwatch.StartNew();
        try
        {
            server = settings.Target is { } target
                ? await RemoteTaskServer.ConnectAsync(target.Host, target.Port, TimeSpan.FromSeconds(10), cancellationToken)
                : await ServerProcess.StartAsync(design, StartInfo(design), TimeSpan.FromMinutes(3), cancellationToken);
        }
        // a design that cannot start is a row of the table; a target that cannot be reached fails the command (exit 1)
        catch (Exception ex) when (settings.Target is null && ex is CommandFailedException or System.ComponentModel.Win32Exception)
        {
            await output.WriteLineAsync($"\n== {design}: cannot start: {ex.Message}");
            return [.. settings.Clients.Select(c => new ServerDesignResult(design, c, ServerResultStatus.Skipped, $"cannot start: {ex.Message}", []))];
        }

        await using (server)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"\n== {design}: {server.Description}, ready after {starting.Elapsed.TotalSeconds:0.0} s"));
            await WarmUpAsync(server, design, cancellationToken);
            string? stopReason = null;
            foreach (var clients in settings.Clients)
            {
                if (stopReason is not null)
                {
                    results.Add(new ServerDesignResult(design, clients, ServerResultStatus.Skipped, stopReason, []));
                    continue;
                }

                var expected = ExpectedSeconds(design, clients);
                if (expected > settings.MaxRun.TotalSeconds)
                {
                    var why = string.Create(CultureInfo.InvariantCulture, $"not run: {Model(design, clients)} = {expected:0} s is beyond the {settings.MaxRun.TotalSeconds:0} s run limit (--max-run-seconds)");
                    await output.WriteLineAsync($"  [{design}, {clients} clients] {why}");
                    results.Add(new ServerDesignResult(design, clients, ServerResultStatus.Skipped, why, []));
                    continue;
                }

                var result = await RunCountAsync(server, design, clients, expected, cancellationToken);
                results.Add(result);
                if (result.Status == ServerResultStatus.Failed)
                {
                    stopReason = server.HasExited ? $"not run: the server died at {clients} clients" : $"not run: failed at {clients} clients";
                }
            }
        }

        return results;
    }

    private async Task<ServerDesignResult> RunCountAsync(ITaskServerUnderTest server, string design, int clients, double expected, CancellationToken cancellationToken)
    {
        var runs = new List<ServerRunRecord>();
        var deadline = settings.Deadline ?? TimeSpan.FromSeconds(Math.Max(30, (expected * 1.5) + 10));
        var endpoint = server.Endpoint;
        for (var run = 1; run <= settings.Repeat; run++)
        {
            server.ClearOutput();
            var before = server.Stats();
            using var sampling = new CancellationTokenSource();
            var sampler = SamplePeakAsync(server, sampling.Token);
            var loadAverage = LoadAverage();
            var load = await LoadGenerator.RunAsync(endpoint, clients, $"{design}-n{clients}-r{run}", deadline, HoldsConnections(design), cancellationToken);
            await sampling.CancelAsync();
            var peak = await sampler;
            var after = server.Stats();
            var seconds = load.Seconds ?? load.WallSeconds;
            double? cpu = before is { } b && after is { } a ? Math.Max(0, a.CpuSeconds - b.CpuSeconds) : null;
            var cores = Environment.ProcessorCount;
            // the cores are this machine's: a remote server's are unknown, so no efficiency or utilisation is claimed for it
            var record = new ServerRunRecord(
                run,
                load,
                cpu is { } used ? Math.Round(used, 2) : null,
                peak?.RssBytes,
                peak?.Threads,
                peak?.Processes,
                settings.Work == Dist.GrainInterfaces.Servers.ServerWorkKind.Cpu && cpu is not null ? Math.Round(load.Replied * settings.TaskDuration.TotalSeconds / (seconds * cores), 3) : null,
                cpu is { } busy ? Math.Round(busy / (seconds * cores), 3) : null,
                string.IsNullOrEmpty(server.LastOutput) ? null : server.LastOutput.TrimStart(':', ' '),
                loadAverage);
            runs.Add(record);
            await output.WriteLineAsync(Describe(design, clients, run, record));
            if (!load.Succeeded || server.HasExited)
            {
                var reason = load.Succeeded ? "" : string.Create(CultureInfo.InvariantCulture, $"{load.Replied}/{clients} replied; {load.FailureSummary}");
                if (server.HasExited)
                {
                    reason = (reason.Length > 0 ? reason + "; " : "") + server.ExitDescription;
                }
                else if (record.ServerOutput is { } said)
                {
                    reason += "; the server said: " + said;
                }

                return new ServerDesignResult(design, clients, ServerResultStatus.Failed, reason, runs);
            }

            // let the closed connections drain, and the server finish what it still works on, before the next wave
            await WaitUntilIdleAsync(server, cancellationToken);
        }

        return new ServerDesignResult(design, clients, ServerResultStatus.Ok, null, runs);
    }

    /// <summary>
    /// One untimed wave first, so that no run pays for start-up (JIT in every worker process, the first grain activations):
    /// as many clients as the process design has workers; for async and actor as many as the largest run (the actor's
    /// front ends then hold as many pooled session grains as a run needs, and 10 clients do not get the connection and
    /// session paths past the JIT's first tiers: the actor design's first run of 10,000 took a second longer than the next
    /// ones); for thread and the Python baselines as many as the largest run up to 1,000 (a thread per client is what is
    /// being measured); with CPU work as many as there are cores (a bigger wave would burn CPU-seconds per client for
    /// nothing), and serial one client.
    /// </summary>
    private async Task WarmUpAsync(ITaskServerUnderTest server, string design, CancellationToken cancellationToken)
    {
        var clients = design == "serial" ? 1
            : settings.Work == Dist.GrainInterfaces.Servers.ServerWorkKind.Cpu ? Environment.ProcessorCount
            : design == "process" ? settings.Workers
            : design is "async" or "actor" ? Math.Max(settings.Clients.Max(), 10)
            : Math.Clamp(settings.Clients.Max(), 10, 1000);
        var deadline = settings.Deadline ?? TimeSpan.FromSeconds(Math.Max(30, (ExpectedSeconds(design, clients) * 1.5) + 10));
        var warm = await LoadGenerator.RunAsync(server.Endpoint, clients, $"{design}-warm-up", deadline, HoldsConnections(design), cancellationToken);
        await output.WriteLineAsync(warm.Succeeded
            ? string.Create(CultureInfo.InvariantCulture, $"  warm-up: {clients} clients served in {warm.Seconds:0.00} s (not counted)")
            : $"  warm-up: {warm.Replied}/{clients} replied; {warm.FailureSummary} (not counted)");
        await WaitUntilIdleAsync(server, cancellationToken);
    }

    /// <summary>
    /// Waits (up to a minute) until the server's processes stop using CPU: after a run whose clients gave up, the server
    /// may still be working on their tasks, and the next run must not pay for them. At least a second, so that the closed
    /// connections drain.
    /// </summary>
    private static async Task WaitUntilIdleAsync(ITaskServerUnderTest server, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        if (server.Stats() is not { } first)
        {
            // a remote server's CPU is not seen from here: a longer pause instead
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return;
        }

        var clock = Stopwatch.StartNew();
        var before = first.CpuSeconds;
        while (clock.Elapsed < TimeSpan.FromMinutes(1) && !server.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var now = server.Stats()?.CpuSeconds ?? 0;
            if (now - before < 0.05)
            {
                return;
            }

            before = now;
        }
    }

    /// <returns>The peak of the server's processes during the run; null for a server whose processes are not on this machine.</returns>
    private async Task<ProcessTreeStats?> SamplePeakAsync(ITaskServerUnderTest server, CancellationToken cancellationToken)
    {
        if (server.Stats() is null)
        {
            return null;
        }

        var peak = ProcessTreeStats.Empty;
        while (true)
        {
            var now = server.Stats() ?? ProcessTreeStats.Empty;
            peak = new ProcessTreeStats(now.CpuSeconds, Math.Max(peak.RssBytes, now.RssBytes), Math.Max(peak.Threads, now.Threads), Math.Max(peak.Processes, now.Processes));
            if (!server.HasExited && AvailableMemoryBytes() is { } available && available < settings.MinAvailableMemoryBytes)
            {
                await server.KillAsync(string.Create(CultureInfo.InvariantCulture,
                    $"killed by the experiment: the machine's available memory fell to {available / 1048576.0:0} MB (limit {settings.MinAvailableMemoryBytes / 1048576.0:0} MB) while the server ran {now.Processes} processes, {now.Threads} threads, {now.RssBytes / 1048576.0:0} MB RSS summed"));
            }
            else if (!server.HasExited && now.Threads > settings.MaxServerThreads)
            {
                await server.KillAsync(string.Create(CultureInfo.InvariantCulture,
                    $"killed by the experiment: the server ran {now.Threads} threads in {now.Processes} processes, over the {settings.MaxServerThreads} limit (each takes a pid; the machine's pid space is shared)"));
            }

            try
            {
                await Task.Delay(SamplePeriod, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return peak;
            }
        }
    }

    private string Describe(string design, int clients, int run, ServerRunRecord r)
    {
        var load = r.Load;
        var outcome = load.Succeeded
            ? string.Create(CultureInfo.InvariantCulture, $"{load.Seconds:0.00} s (first reply {load.FirstReplySeconds:0.00} s; all connected by {load.AllConnectedSeconds:0.00} s; longest wait after sending {load.LongestWaitSeconds:0.00} s)")
            : string.Create(CultureInfo.InvariantCulture, $"FAILED after {load.WallSeconds:0.0} s: {load.Replied}/{clients} replied; {load.FailureSummary}");
        var server = r.ServerCpuSeconds is null
            ? "server not measured (remote)"
            : string.Create(CultureInfo.InvariantCulture, $"server CPU {r.ServerCpuSeconds:0.00} s (util. {r.CpuUtilisation:0.00}), {(r.Efficiency is { } e ? $"work eff. {e:0.00}, " : "")}peak {r.PeakThreads} threads in {r.PeakProcesses} process(es), {r.PeakRssBytes / 1048576.0:0} MB");
        return string.Create(CultureInfo.InvariantCulture,
            $"  [{design}, {clients} clients, run {run}/{settings.Repeat}] {outcome}; {server}; load avg. {r.LoadAverage:0.0}");
    }

    /// <summary>MemAvailable of /proc/meminfo.</summary>
    private static long? AvailableMemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Clients hold their connection until all have replies, except where a worker serves one connection at a time.</summary>
    private static bool HoldsConnections(string design) => design is not ("serial" or "process");

    /// <summary>The machine's 1-minute load average (/proc/loadavg): on a shared machine, how many others wanted the cores.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>How long the design should take by its own model (serial: one client after another).</summary>
    private double ExpectedSeconds(string design, int clients)
    {
        var t = settings.TaskDuration.TotalSeconds;
        var cpuBound = settings.Work == Dist.GrainInterfaces.Servers.ServerWorkKind.Cpu ? clients * t / Environment.ProcessorCount : 0;
        var model = design switch
        {
            "serial" => clients * t,
            "process" => Math.Ceiling(clients / (double)settings.Workers) * t,
            _ => t,
        };
        return Math.Max(model, cpuBound);
    }

    private string Model(string design, int clients) => design switch
    {
        "serial" => string.Create(CultureInfo.InvariantCulture, $"N × T = {clients} × {settings.TaskDuration.TotalSeconds:0.###} s"),
        "process" => string.Create(CultureInfo.InvariantCulture, $"⌈N / workers⌉ × T = ⌈{clients} / {settings.Workers}⌉ × {settings.TaskDuration.TotalSeconds:0.###} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"N × T / cores = {clients} × {settings.TaskDuration.TotalSeconds:0.###} s / {Environment.ProcessorCount}"),
    };

    private ProcessStartInfo StartInfo(string design)
    {
        var taskMs = ((long)settings.TaskDuration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var work = settings.Work.ToString().ToLowerInvariant();
        if (design.StartsWith("py-", StringComparison.Ordinal))
        {
            var script = PythonScript.Find(settings.PythonDirectory, "py_server.py")
                ?? throw new CommandFailedException("bench/servers/py_server.py not found (give --python-dir)");
            var info = new ProcessStartInfo(settings.Python)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "-u", script, "--design", design[3..], "--port", "0", "--task-ms", taskMs, "--work", work })
            {
                info.ArgumentList.Add(argument);
            }

            return info;
        }

        return SelfCommand.Create(
        [
            "server", "run", "--design", design, "--port", "0", "--task-ms", taskMs, "--work", work,
            "--workers", settings.Workers.ToString(CultureInfo.InvariantCulture),
            "--silos", settings.Silos.ToString(CultureInfo.InvariantCulture),
            "--listeners", settings.Listeners.ToString(CultureInfo.InvariantCulture),
            "--max-line", LineFramer.DefaultMaxLineBytes.ToString(CultureInfo.InvariantCulture),
        ]);
    }
}
