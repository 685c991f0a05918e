using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace OrleansDist.Dashboard;

/// <summary>
/// The standalone dashboard. Prints <c>DASHBOARD READY url=... otlp=...</c> on stdout once listening and runs until
/// SIGTERM or Ctrl+C. Exit codes: 0 after such a stop, 1 when it cannot listen (port in use), 2 for unusable options.
/// </summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        var cli = new DashboardCommandLine();
        cli.Root.SetAction((parse, cancellationToken) => RunAsync(cli, parse, cancellationToken));
        var parse = cli.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync("See 'OrleansDist.Dashboard --help'.");
            return ExitUsage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> RunAsync(DashboardCommandLine cli, ParseResult parse, CancellationToken cancellationToken)
    {
        var options = cli.ToOptions(parse);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"error: {error}");
            }

            return ExitUsage;
        }

        var logLevel = parse.GetValue(cli.LogLevel);
        using var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(logLevel).AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });

            // Logs go to stderr: stdout carries only the READY line that scripts wait for.
            logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // stop gracefully instead of the runtime's immediate exit
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        TraceDashboardServer server;
        try
        {
            server = await TraceDashboardServer.StartAsync(options, loggerFactory, stop.Token);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitFailed;
        }
        catch (OperationCanceledException)
        {
            return ExitOk;
        }

        await using (server)
        {
            Console.Out.WriteLine($"DASHBOARD READY url={server.BaseUri} otlp={server.OtlpTracesEndpoint}");
            Console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or Ctrl+C: fall through to the graceful stop.
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(grace.Token);
        }

        return ExitOk;
    }
}
