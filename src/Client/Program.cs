using System.CommandLine;
using System.CommandLine.Help;
using System.Text.Json;
using Dist.GrainInterfaces.Diagnostics;
using OrleansDist.Telemetry;

namespace OrleansDist.Client;

/// <summary>
/// <c>orleansdist</c>: inspects and calls an OrleansDist cluster. Exit codes: 0 success, 1 the cluster or a call failed,
/// 2 bad arguments.
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        var root = BuildCommand();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync("See 'orleansdist --help'.");
            return ExitUsage;
        }

        using var telemetry = OrleansDistTelemetry.StartProcessTelemetry(new TelemetrySettings { ServiceName = ClientServiceName, TraceFile = parse.GetValue(TraceFile) });
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>The <c>service.name</c> of the command-line client's spans, metrics and logs.</summary>
    public const string ClientServiceName = "orleansdist-client";

    private static readonly Option<string> TraceFile = new("--trace-file")
    {
        Description = "Append the spans of this command's grain calls to this file as JSON lines; OTEL_EXPORTER_OTLP_ENDPOINT also exports them",
        HelpName = "path",
        Recursive = true,
    };

    internal static Command BuildCommand()
    {
        var common = new CommonOptions();
        var root = new Command("orleansdist", "Inspects and calls an OrleansDist cluster.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        common.AddTo(root);
        root.Options.Add(TraceFile);

        var traceFile = new Argument<string>("file") { Description = "A trace file written by silos or clients started with --trace-file" };
        var traceId = new Option<string>("--trace-id") { Description = "Only the trace whose id starts with this", HelpName = "hex" };
        var last = new Option<int>("--last") { Description = "How many traces (the latest) to print", DefaultValueFactory = _ => 20 };
        var trace = new Command("trace", "Prints the spans of a trace file as trees: who called whom, on which silo, how long it took") { traceFile, traceId, last };
        trace.SetAction((parse, ct) => TraceTree.PrintAsync(parse.GetValue(traceFile)!, parse.GetValue(traceId), Math.Max(1, parse.GetValue(last)), Console.Out, ct));
        root.Subcommands.Add(trace);

        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output" };
        var status = new Command("status", "Prints the membership table (read directly from the database given by --membership)") { json };
        status.SetAction((parse, ct) => Run(async () =>
        {
            var settings = common.Read(parse);
            var data = await ClusterAccess.ReadMembershipAsync(settings, ct);
            var now = DateTimeOffset.UtcNow;
            if (parse.GetValue(json))
            {
                await using var stdout = Console.OpenStandardOutput();
                ClusterStatus.WriteJson(data, settings, now, stdout);
            }
            else
            {
                ClusterStatus.WriteTable(data, settings, now, Console.Out);
            }
        }));
        root.Subcommands.Add(new Command("cluster", "The cluster's silos") { status });

        var helloName = new Option<string>("--name")
        {
            Description = "Who says hello; also the key of the IHelloGrain called",
            HelpName = "name",
            DefaultValueFactory = _ => "orleansdist",
        };
        var hello = new Command("hello", "Calls IHelloGrain.SayHello through a gateway and prints the answer") { helloName };
        hello.SetAction((parse, ct) => Run(async () =>
        {
            var from = parse.GetValue(helloName) ?? "orleansdist";
            await using var client = await ClusterAccess.ConnectAsync(common.Read(parse), ct);
            var answer = await client.Client.GetGrain<IHelloGrain>(from).SayHello(from);
            await Console.Out.WriteLineAsync(answer);
        }));
        root.Subcommands.Add(hello);

        root.Subcommands.Add(BuildRegisterCommand(common));
        root.Subcommands.Add(Download.DownloadCommands.BuildDownload(common));
        root.Subcommands.Add(Download.DownloadCommands.BuildExperiment(common));
        root.Subcommands.Add(Clocks.ClockCommands.Build(common));
        root.Subcommands.Add(Certs.CertsCommands.Build());
        root.Subcommands.Add(Election.ElectionCommands.Build(common));
        root.Subcommands.Add(P2P.P2PCommands.Build(common));
        root.Subcommands.Add(Groups.GroupCommands.Build(common));
        root.Subcommands.Add(Servers.ServerCommands.BuildServer(common));
        return root;
    }

    private static Command BuildRegisterCommand(CommonOptions common)
    {
        var writeId = new Argument<long>("id") { Description = "Register (grain) key" };
        var writeValue = new Argument<string>("value") { Description = "Value to store" };
        var writeIfVersion = new Option<long?>("--if-version")
        {
            Description = "Compare-and-set: store only if the register's version is still N (0 = never written); refused: exit 1. "
                + "Use it to retry a write that timed out: the first attempt may still land later",
        };
        var write = new Command("write", "Stores a value in an IRegisterGrain (persisted in the silos' default storage)") { writeId, writeValue, writeIfVersion };
        write.SetAction((parse, ct) => Run(async () =>
        {
            var id = parse.GetValue(writeId);
            var value = parse.GetValue(writeValue) ?? "";
            var expected = parse.GetValue(writeIfVersion);
            if (expected < 0)
            {
                throw new UsageException($"--if-version must be 0 or more, not {expected}");
            }

            await using var client = await ClusterAccess.ConnectAsync(common.Read(parse), ct);
            var register = client.Client.GetGrain<IRegisterGrain>(id);
            RegisterValue stored;
            if (expected is { } version)
            {
                var result = await register.WriteIfVersion(version, value);
                stored = result.Current;
                if (!result.Applied)
                {
                    var holds = stored.Value is null ? "nothing" : JsonSerializer.Serialize(stored.Value);
                    throw new CommandFailedException($"register {id}: not written: its version is {stored.Version}, not {version} (it holds {holds}, silo {stored.SiloName})");
                }
            }
            else
            {
                await register.Write(value);
                stored = await register.Read();
            }

            await Console.Out.WriteLineAsync($"register {id}: wrote {JsonSerializer.Serialize(value)} (version {stored.Version}, silo {stored.SiloName})");
        }));

        var readId = new Argument<long>("id") { Description = "Register (grain) key" };
        var readJson = new Option<bool>("--json") { Description = "Machine-readable JSON output" };
        var read = new Command("read", "Reads an IRegisterGrain: value, number of writes, and the silo hosting it") { readId, readJson };
        read.SetAction((parse, ct) => Run(async () =>
        {
            var id = parse.GetValue(readId);
            await using var client = await ClusterAccess.ConnectAsync(common.Read(parse), ct);
            var value = await client.Client.GetGrain<IRegisterGrain>(id).Read();
            if (parse.GetValue(readJson))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { id, value = value.Value, version = value.Version, silo = value.SiloName }));
            }
            else
            {
                var shown = value.Value is null ? "(never written)" : JsonSerializer.Serialize(value.Value);
                await Console.Out.WriteLineAsync($"register {id}: {shown} (version {value.Version}, silo {value.SiloName})");
            }
        }));

        return new Command("register", "A persistent single-value register grain (IRegisterGrain)") { write, read };
    }

    /// <summary>Runs a command body, turning the expected failures into a message on stderr and an exit code.</summary>
    internal static async Task<int> Run(Func<Task> body)
    {
        try
        {
            await body();
            return ExitOk;
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitUsage;
        }
        catch (CommandFailedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitFailed;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("error: cancelled");
            return ExitFailed;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: the call failed: {ex.GetType().Name}: {ex.Message}");
            return ExitFailed;
        }
    }
}
