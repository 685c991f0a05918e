using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Dist.GrainInterfaces.Servers;
using OrleansDist.Client.Download;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary><c>server run</c> (a task server of one design), the hidden <c>server worker</c>, and <c>experiment servers</c>.</summary>
internal static class ServerCommands
{
    /// <summary>The most clients one run may have: the generator and the server each hold one descriptor per client, and ulimit -n is typically 20,000 here.</summary>
    public const int MaxClients = 50_000;

    public static Command BuildServer(CommonOptions common)
    {
        _ = common;
        var design = new Option<string>("--design")
        {
            Description = "serial: one connection at a time | process: a pre-forked pool of --workers worker processes sharing the listening socket, "
                + "each serving one connection at a time (connections beyond the pool wait in the accept queue; .NET cannot fork per connection) | "
                + "thread: a dedicated OS thread per connection | async: one process, async sockets | "
                + "actor: an embedded Orleans cluster of --silos silos, each running the TCP front end on the port; every connection is a session grain",
            Required = true,
            HelpName = "serial|process|thread|async|actor",
        };
        design.AcceptOnlyFromAmong("serial", "process", "thread", "async", "actor");
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1", HelpName = "address" };
        host.Validators.Add(r =>
        {
            if (!IPAddress.TryParse(r.GetValueOrDefault<string>() ?? "", out _))
            {
                r.AddError($"--host '{r.GetValueOrDefault<string>()}' is not an IP address");
            }
        });
        var port = new Option<int>("--port") { Description = "TCP port (0: a free one, printed in the ready line)", DefaultValueFactory = _ => 0, HelpName = "port" };
        port.Validators.Add(r => DownloadOptions.Range(r, "--port", 0, 65535));
        var (taskMs, work, maxLine) = TaskOptions();
        var workers = WorkersOption();
        var silos = SilosOption();
        var listeners = ListenersOption();
        var backlog = new Option<int>("--backlog") { Description = "Listen backlog asked for (Linux caps it at net.core.somaxconn)", DefaultValueFactory = _ => ServerSocket.DefaultBacklog, HelpName = "n" };
        backlog.Validators.Add(r => DownloadOptions.Range(r, "--backlog", 1, 1_000_000));
        var sessionGrains = new Option<string>("--session-grains")
        {
            Description = "actor: pooled (default): a session grain whose connection ended serves the next one | "
                + "per-connection: a new activation for every connection, deactivated when it ends (measures what an activation costs)",
            DefaultValueFactory = _ => "pooled",
            HelpName = "pooled|per-connection",
        };
        sessionGrains.AcceptOnlyFromAmong("pooled", "per-connection");
        var run = new Command("run", "Runs a task server: each line a client sends is a task worked on for --task-ms and answered with its text reversed; "
            + "'exit' is answered 'Goodbye!'. Prints 'SERVER READY design=D port=P' once it accepts connections; runs until Ctrl+C or SIGTERM")
        {
            design, host, port, taskMs, work, maxLine, workers, silos, listeners, backlog, sessionGrains,
        };
        run.SetAction((parse, ct) => Program.Run(async () =>
        {
            var settings = new ServerRunSettings
            {
                Design = Enum.Parse<ServerDesign>(parse.GetValue(design)!, ignoreCase: true),
                Address = IPAddress.Parse(parse.GetValue(host)!),
                Port = parse.GetValue(port),
                TaskDuration = TimeSpan.FromMilliseconds(parse.GetValue(taskMs)),
                Work = ParseWork(parse.GetValue(work)),
                MaxLineBytes = parse.GetValue(maxLine),
                Workers = parse.GetValue(workers),
                Silos = parse.GetValue(silos),
                Listeners = parse.GetValue(listeners),
                Backlog = parse.GetValue(backlog),
                ReuseSessions = parse.GetValue(sessionGrains) == "pooled",
            };
            await RunServerAsync(settings, ct);
        }));

        var listenFd = new Option<int>("--listen-fd") { Description = "The listening socket's descriptor, inherited from the parent", Required = true };
        var parentPid = new Option<int>("--parent-pid") { Description = "Exit when this process is no longer the parent" };
        var (workerTaskMs, workerWork, workerMaxLine) = TaskOptions();
        var worker = new Command("worker", "A worker process of the process design (started by 'server run --design process')")
        {
            listenFd, parentPid, workerTaskMs, workerWork, workerMaxLine,
        };
        worker.Hidden = true;
        worker.SetAction((parse, ct) =>
        {
            if (parse.GetValue(parentPid) is > 0 and var parent)
            {
                ParentWatch.ExitWhenOrphaned(parent);
            }

            return Task.FromResult(PreforkWorker.Run(parse.GetValue(listenFd), new ServerRunSettings
            {
                Design = ServerDesign.Process,
                TaskDuration = TimeSpan.FromMilliseconds(parse.GetValue(workerTaskMs)),
                Work = ParseWork(parse.GetValue(workerWork)),
                MaxLineBytes = parse.GetValue(workerMaxLine),
            }, ct));
        });

        return new Command("server", "Task servers of several designs (the servers experiment)") { run, worker };
    }

    private static async Task RunServerAsync(ServerRunSettings settings, CancellationToken cancellationToken)
    {
        IRunningServer server;
        try
        {
            server = await TaskServers.StartAsync(settings, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new CommandFailedException($"cannot listen on {settings.Address}:{settings.Port}: {ex.Message}", ex);
        }

        await using (server)
        {
            await Console.Out.WriteLineAsync(TaskServers.ReadyLine(server));
            await Console.Out.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop cleanly
            }
        }
    }

    public static Command BuildExperiment(CommonOptions common)
    {
        _ = common;
        var designs = new Option<string>("--designs")
        {
            Description = $"Designs to compare, comma-separated, from {string.Join(", ", ServersExperimentSettings.AllDesigns)} "
                + "(py-thread and py-process: our Python versions of the seed's socketserver servers, run when python3 is present)",
            DefaultValueFactory = _ => string.Join(',', ServersExperimentSettings.AllDesigns),
            HelpName = "d,d,…",
        };
        designs.Validators.Add(r =>
        {
            if (ParseDesigns(r.GetValueOrDefault<string>() ?? "") is null)
            {
                r.AddError($"--designs '{r.GetValueOrDefault<string>()}' must be a comma-separated list of {string.Join(", ", ServersExperimentSettings.AllDesigns)}");
            }
        });
        var clients = new Option<string>("--clients")
        {
            Description = "Client counts, comma-separated (every client of a run connects at once and sends one task)",
            DefaultValueFactory = _ => "10,20,30,40,50,60,70,80,90,100",
            HelpName = "n,n,…",
        };
        clients.Validators.Add(r =>
        {
            if (ParseCounts(r.GetValueOrDefault<string>() ?? "") is null)
            {
                r.AddError($"--clients '{r.GetValueOrDefault<string>()}' must be a comma-separated list of counts between 1 and {MaxClients}");
            }
        });
        var (taskMs, work, _) = TaskOptions();
        var repeat = new Option<int>("--repeat") { Description = "Runs per design and client count (the table shows the median)", DefaultValueFactory = _ => 3, HelpName = "n" };
        repeat.Validators.Add(r => DownloadOptions.Range(r, "--repeat", 1, 100));
        var workers = WorkersOption();
        var silos = SilosOption();
        var listeners = ListenersOption();
        var maxRun = new Option<double>("--max-run-seconds")
        {
            Description = "Skip (and say so) a run whose design's own model needs longer: serial N × T, process ⌈N / workers⌉ × T, cpu work N × T / cores; a run that exceeds 1.5 × the model + 10 s fails on its deadline",
            DefaultValueFactory = _ => 600,
            HelpName = "seconds",
        };
        maxRun.Validators.Add(r => CommonOptions.SecondsBetween(r, "--max-run-seconds", 0.1, 86400));
        var deadlineOption = new Option<double?>("--deadline-seconds")
        {
            Description = "A fixed deadline per run (default: max(30 s, 1.5 × the design's model + 10 s)); clients without a reply by then count as failed",
            HelpName = "seconds",
        };
        deadlineOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } seconds && !(seconds >= 1 && seconds <= 86400))
            {
                r.AddError("--deadline-seconds must be between 1 and 86400 seconds");
            }
        });
        var output = new Option<string>("--out") { Description = "Directory for results.json and time-vs-clients.svg", DefaultValueFactory = _ => "results/servers", HelpName = "dir" };
        var pythonDir = new Option<string>("--python-dir") { Description = "Folder of py_server.py (default: bench/servers, found upwards from the program and the current folder)", HelpName = "dir" };
        var target = new Option<string>("--target")
        {
            Description = "Time a server already running at host:port instead of starting one, e.g. silos run with --task-server-port on other machines, "
                + "so the clients do not share its cores; --designs then names the one design it runs (default actor), and --task-ms and --work must be "
                + "what it was started with. Its CPU, threads and memory are not measured from here",
            HelpName = "host:port",
        };
        target.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } value && !CommonOptions.TrySplitHostPort(value, out _, out _))
            {
                r.AddError($"--target '{value}' is not host:port (e.g. 10.0.0.5:7100, silo1.local:7100)");
            }
        });
        var command = new Command("servers", "Runs each server design as its own process and times N clients connecting at once, each sending one task; "
            + "prints the median time until the last reply per design and client count, and why a design failed")
        {
            designs, clients, taskMs, work, repeat, workers, silos, listeners, maxRun, deadlineOption, output, pythonDir, target,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(target) is not null && r.GetResult(designs) is { Implicit: false }
                && ParseDesigns(r.GetValue(designs) ?? "") is { Length: not 1 })
            {
                r.AddError("--target times one server: give --designs the one design it runs (e.g. --designs actor)");
            }
        });
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var targetText = parse.GetValue(target);
            var chosen = targetText is not null && parse.GetResult(designs) is null or { Implicit: true }
                ? ["actor"]
                : ParseDesigns(parse.GetValue(designs)!)!;
            DnsEndPoint? targetEndpoint = null;
            if (targetText is not null && CommonOptions.TrySplitHostPort(targetText, out var targetHost, out var targetPort))
            {
                targetEndpoint = new DnsEndPoint(targetHost, targetPort);
            }

            var settings = new ServersExperimentSettings
            {
                Designs = chosen,
                Target = targetEndpoint,
                Clients = ParseCounts(parse.GetValue(clients)!)!,
                TaskDuration = TimeSpan.FromMilliseconds(parse.GetValue(taskMs)),
                Work = ParseWork(parse.GetValue(work)),
                Repeat = parse.GetValue(repeat),
                Workers = parse.GetValue(workers),
                Silos = parse.GetValue(silos),
                Listeners = parse.GetValue(listeners),
                MaxRun = TimeSpan.FromSeconds(parse.GetValue(maxRun)),
                Deadline = parse.GetValue(deadlineOption) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                OutputDirectory = parse.GetValue(output) ?? "results/servers",
                PythonDirectory = parse.GetValue(pythonDir),
            };
            if (targetText is null && chosen.Any(d => d.StartsWith("py-", StringComparison.Ordinal)) && !PythonScript.IsPresent(settings.Python))
            {
                await Console.Out.WriteLineAsync("python3 not found: the Python baselines (py-thread, py-process) are left out");
                settings = settings with { Designs = [.. chosen.Where(d => !d.StartsWith("py-", StringComparison.Ordinal))] };
            }

            var started = DateTimeOffset.UtcNow;
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"== orleansdist experiment servers: {string.Join(", ", settings.Designs)}{(targetText is null ? "" : " at " + targetText)}; clients {string.Join(", ", settings.Clients)}; work {settings.Work.ToString().ToLowerInvariant()}, T = {settings.TaskDuration.TotalMilliseconds:0} ms; {settings.Repeat} run(s); {Environment.ProcessorCount} cores"));
            var results = await new ServersExperiment(settings, Console.Out).RunAsync(ct);
            var report = new ServersExperimentReport(results, settings, started);
            report.WriteTable(Console.Out);
            var files = report.WriteFiles(settings.OutputDirectory);
            await Console.Out.WriteLineAsync($"\nWrote {string.Join(", ", files)}");
        }));
        return command;
    }

    private static (Option<int> TaskMs, Option<string> Work, Option<int> MaxLine) TaskOptions()
    {
        var taskMs = new Option<int>("--task-ms") { Description = "How long each task takes, in milliseconds", DefaultValueFactory = _ => 3000, HelpName = "ms" };
        taskMs.Validators.Add(r => DownloadOptions.Range(r, "--task-ms", 0, 600_000));
        var work = new Option<string>("--work")
        {
            Description = "io: a task waits for --task-ms | cpu: a task burns --task-ms of its thread's CPU time",
            DefaultValueFactory = _ => "io",
            HelpName = "io|cpu",
        };
        work.AcceptOnlyFromAmong("io", "cpu");
        var maxLine = new Option<int>("--max-line")
        {
            Description = "Longest task line in bytes; a longer one is answered with an error line and dropped up to its end",
            DefaultValueFactory = _ => LineFramer.DefaultMaxLineBytes,
            HelpName = "bytes",
        };
        maxLine.Validators.Add(r => DownloadOptions.Range(r, "--max-line", 16, 16 * 1024 * 1024));
        return (taskMs, work, maxLine);
    }

    private static Option<int> WorkersOption()
    {
        var workers = new Option<int>("--workers")
        {
            Description = $"Worker processes of the process design (default {ServerRunSettings.DefaultWorkers}); each serves one connection at a time, the rest queue",
            DefaultValueFactory = _ => ServerRunSettings.DefaultWorkers,
            HelpName = "n",
        };
        workers.Validators.Add(r => DownloadOptions.Range(r, "--workers", 1, 2000));
        return workers;
    }

    private static Option<int> SilosOption()
    {
        var silos = new Option<int>("--silos")
        {
            Description = $"Silos of the actor design's embedded cluster (default {ServerRunSettings.DefaultSilos}); each runs the TCP front end on the same port",
            DefaultValueFactory = _ => ServerRunSettings.DefaultSilos,
            HelpName = "n",
        };
        silos.Validators.Add(r => DownloadOptions.Range(r, "--silos", 1, 8));
        return silos;
    }

    private static Option<int> ListenersOption()
    {
        var listeners = new Option<int>("--listeners")
        {
            Description = $"Listening sockets on the port (SO_REUSEPORT) for the thread and async designs and per silo of the actor design (default {ServerRunSettings.DefaultListeners}): "
                + "each has its own accept queue, which Linux caps at net.core.somaxconn (4096 here); serial and process share one socket",
            DefaultValueFactory = _ => ServerRunSettings.DefaultListeners,
            HelpName = "n",
        };
        listeners.Validators.Add(r => DownloadOptions.Range(r, "--listeners", 1, 64));
        return listeners;
    }

    private static ServerWorkKind ParseWork(string? text) => text == "cpu" ? ServerWorkKind.Cpu : ServerWorkKind.Io;

    internal static string[]? ParseDesigns(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 || parts.Any(p => !ServersExperimentSettings.AllDesigns.Contains(p)) ? null : [.. parts.Distinct()];
    }

    internal static int[]? ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > MaxClients)
            {
                return null;
            }

            counts.Add(count);
        }

        return counts.Count == 0 ? null : [.. counts.Distinct()];
    }
}
