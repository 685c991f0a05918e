using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OrleansDist.LineServer.Cli;
using OrleansDist.Telemetry;

namespace OrleansDist.LineServer;

/// <summary>
/// The line server executable. Exit codes: 0 after a signalled stop (SIGTERM, Ctrl+C), 1 when it cannot listen (e.g. port
/// in use), 2 for unusable arguments (including an unreadable or empty --file).
/// </summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        var cli = new LineServerCommandLine();
        cli.Root.SetAction((parse, cancellationToken) => RunAsync(cli, parse, cancellationToken));
        var parse = cli.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync("See 'OrleansDist.LineServer --help'.");
            return ExitUsage;
        }

        // Signals are handled below (stop, summary, exit 0) rather than by System.CommandLine's termination handling.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> RunAsync(LineServerCommandLine cli, ParseResult parse, CancellationToken cancellationToken)
    {
        var options = cli.ToOptions(parse);
        try
        {
            options.Validate();
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"error: {failure}");
            }

            return ExitUsage;
        }

        // the service defaults of every OrleansDist program: traces, metrics (OrleansDist.LineServer's counters) and logs
        // over OTLP when the OTEL_* variables ask for it; nothing at all otherwise
        var telemetry = new TelemetrySettings { ServiceName = "orleansdist-line-server" };
        using var telemetryProviders = OrleansDistTelemetry.StartProcessTelemetry(telemetry);
        using var loggerFactory = CreateLoggerFactory(parse.GetValue(cli.LogLevel), telemetry);
        LineServerHost host;
        try
        {
            host = new LineServerHost(options, loggerFactory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"error: cannot serve --file {options.FilePath}: {ex.Message}");
            return ExitUsage;
        }

        await using (host)
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var signals = RegisterStopSignals(stop);
            using var cancelled = cancellationToken.Register(() => stop.TrySetResult());
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (LineServerBindException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitFailed;
            }

            var rate = options.Rate.ToString(CultureInfo.InvariantCulture);
            await Console.Out.WriteLineAsync($"LINE SERVER READY endpoint={host.EndPoint} lines={host.FileLines.Count} rate={rate}/s");
            await Console.Out.FlushAsync(CancellationToken.None);

            await stop.Task;
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await host.StopAsync(stopTimeout.Token);
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("warning: some connections did not close within 10 s");
            }

            await SessionSummary.WriteAsync(host, Console.Out);
            return ExitOk;
        }
    }

    private static ILoggerFactory CreateLoggerFactory(LogLevel level, TelemetrySettings telemetry) => LoggerFactory.Create(logging =>
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        // stdout carries only the READY line and the summary; every log line goes to stderr.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
        logging.AddOrleansDistLogExport(telemetry);
    });

    private static Registrations RegisterStopSignals(TaskCompletionSource stop)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Keep the process alive: the stop (and the summary) happen on the main path.
                context.Cancel = true;
                stop.TrySetResult();
            }));
        }

        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
