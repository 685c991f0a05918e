using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Orleans.Dashboard;
using OrleansDist.Grains.P2P;
using OrleansDist.Grains.Servers;
using OrleansDist.Hosting;
using OrleansDist.Telemetry;

namespace OrleansDist.Silo;

/// <summary>
/// The silo executable. Exit codes: 0 after a graceful stop (SIGTERM, Ctrl+C), 1 when the silo could not start or stopped
/// on its own (e.g. declared dead by the cluster), 2 for unusable options.
/// </summary>
public static partial class Program
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        var cli = new SiloCommandLine();
        cli.Root.SetAction((parse, _) => RunAsync(cli, parse));
        var parse = cli.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync("See 'OrleansDist.Silo --help'.");
            return ExitUsage;
        }

        // No signal handling by System.CommandLine: the generic host's console lifetime turns SIGTERM/Ctrl+C into a graceful stop.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> RunAsync(SiloCommandLine cli, ParseResult parse)
    {
        // The command line is parsed by System.CommandLine, so it is not handed to the host's configuration as well.
        var builder = CreateBuilder(web: false);
        SiloSettings settings;
        try
        {
            settings = SiloSettings.Resolve(cli, parse, builder.Configuration, Environment.GetEnvironmentVariables());
        }
        catch (SettingsException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitUsage;
        }

        var siloOptions = settings.ToSiloOptions();
        var dashboardPort = settings.DashboardPort;
        var dashboardAddress = siloOptions.ListenAddress;
        if (dashboardPort != 0 && !LocalPorts.IsFree(dashboardAddress, dashboardPort))
        {
            if (!settings.DashboardPortIsDefault)
            {
                await Console.Error.WriteLineAsync($"error: --dashboard-port {dashboardPort} is in use (another silo's dashboard?); choose another port, or 0 for no dashboard");
                return ExitUsage;
            }

            await Console.Error.WriteLineAsync($"warning: port {dashboardPort} (the default Orleans Dashboard port of silo port {settings.SiloPort}) is in use; this silo serves no dashboard (pass --dashboard-port to choose one)");
            dashboardPort = 0;
        }

        if (dashboardPort != 0)
        {
            // the same configuration sources, now for a web host that also serves the Orleans Dashboard
            builder = CreateBuilder(web: true);
            ((WebApplicationBuilder)builder).WebHost.UseKestrel(k => k.Listen(dashboardAddress, dashboardPort));
        }

        ConfigureLogging(builder.Logging, settings.LogLevel);
        builder.AddOrleansDistTelemetry(new TelemetrySettings { ServiceName = "orleansdist-silo", InstanceName = siloOptions.Name, TraceFile = settings.TraceFile });
        builder.UseOrleans(silo =>
        {
            silo.UseOrleansDist(siloOptions);
            if (settings.Peer is { } peer)
            {
                silo.AddP2PPeers([peer]);
            }

            if (settings.TaskServer is { } taskServer)
            {
                silo.AddActorServerFrontEnd(taskServer);
            }

            // on every silo, served or not: the dashboard's data comes from grains and profilers on every silo
            silo.AddDashboard();
        });
        using var host = Build(builder);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansDist.Silo.Program");
        LogSettings(logger, settings.ClusterId, settings.ServiceId, SiloSettings.Describe(settings.Membership), SiloSettings.Describe(settings.Storage));
        if (settings.Tls is { } tls)
        {
            LogTls(logger, TlsCredentials.Describe(tls.Certificate), string.Join(", ", tls.Authorities.Select(a => a.Subject)));
        }

        // Orleans listens with SO_REUSEPORT, so a second silo on a taken port would start and share it (the kernel then
        // splits connections between the two): refuse that here, before anything starts.
        if (PortInUse(siloOptions) is { } taken)
        {
            await Console.Error.WriteLineAsync($"error: {taken}");
            return ExitFailed;
        }

        var signalled = false;
        using var signals = RegisterSignals(() => signalled = true);
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync(signalled ? "error: start cancelled by a signal" : $"error: the silo failed to start: {Describe(ex)}");
            await StopQuietlyAsync(host);
            return ExitFailed;
        }

        var silo = host.Services.GetRequiredService<ILocalSiloDetails>();
        var gateway = silo.GatewayAddress is { } g ? g.Endpoint.ToString() : "none";
        var dashboardUrl = dashboardPort == 0 ? "none" : $"http://{FormatHost(settings.AdvertisedIp)}:{dashboardPort}/";
        await Console.Out.WriteLineAsync($"SILO READY name={silo.Name} silo={silo.SiloAddress.ToParsableString()} gateway={gateway} dashboard={dashboardUrl}");
        await Console.Out.FlushAsync();

        try
        {
            await host.WaitForShutdownAsync();
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"error: the silo did not stop cleanly: {Describe(ex)}");
            return ExitFailed;
        }

        if (!signalled)
        {
            // Only the silo itself stops the host without a signal: it read itself Dead in the membership table.
            await Console.Error.WriteLineAsync($"error: silo {silo.Name} stopped on its own (declared dead by the cluster?)");
            return ExitFailed;
        }

        return ExitOk;
    }

    private static IHostApplicationBuilder CreateBuilder(bool web)
    {
        IHostApplicationBuilder builder = web
            ? WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        AddWorkingDirectorySettings(builder.Configuration);
        return builder;
    }

    private static IHost Build(IHostApplicationBuilder builder)
    {
        if (builder is WebApplicationBuilder web)
        {
            var app = web.Build();
            app.MapOrleansDashboard();
            return app;
        }

        return ((HostApplicationBuilder)builder).Build();
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>An appsettings.json in the working directory overrides the one shipped beside the executable (and is overridden by the environment).</summary>
    private static void AddWorkingDirectorySettings(IConfigurationManager configuration)
    {
        var local = Path.Combine(Environment.CurrentDirectory, "appsettings.json");
        if (string.Equals(Path.GetFullPath(local), Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "appsettings.json")), StringComparison.Ordinal))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is FileConfigurationSource)
            {
                lastJson = i;
            }
        }

        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Environment.CurrentDirectory),
        };
        sources.Insert(lastJson + 1, source);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        // stdout carries only the READY line; every log line goes to stderr.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
        logging.AddFilter((string? _, LogLevel l) => l >= level);

        // A start or stop failure is reported once, by this program, without the host's stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        // the dashboard's web server: its start-up banner and request lines are not the silo's news
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    }

    /// <summary>Which of the silo's ports another process already listens on, as a message; null when both are free.</summary>
    private static string? PortInUse(OrleansDistSiloOptions options)
    {
        var address = options.ListenAddress;
        foreach (var (port, what) in new[] { (options.SiloPort, "silo port"), (options.GatewayPort, "gateway port") })
        {
            if (port != 0 && !LocalPorts.IsFree(address, port, out var error))
            {
                return $"the {what} {address}:{port} is in use ({error}): another silo or program listens there; choose another with --{what.Replace(' ', '-')}";
            }
        }

        return null;
    }

    private static IDisposable RegisterSignals(Action onSignal)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            // Observe only: the host's console lifetime (registered too) cancels the signal and stops gracefully.
            registrations.Add(PosixSignalRegistration.Create(signal, _ => onSignal()));
        }

        return new Registrations(registrations);
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // start already failed; that is the error reported
        }
    }

    /// <summary>The messages of an exception and its causes, without stack traces and without repeats.</summary>
    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>();
        pending.Push(ex);
        while (pending.TryPop(out var current))
        {
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }

                continue;
            }

            if (!messages.Any(m => m.Contains(current.Message, StringComparison.Ordinal)))
            {
                messages.Add(current.Message);
            }

            if (current.InnerException is { } cause)
            {
                pending.Push(cause);
            }
        }

        return string.Join(" <- ", messages);
    }

    [LoggerMessage(5100, LogLevel.Information, "Silo settings: cluster {ClusterId}, service {ServiceId}, membership {Membership}, storage {Storage}")]
    private static partial void LogSettings(ILogger logger, string clusterId, string serviceId, string membership, string storage);

    [LoggerMessage(5101, LogLevel.Information, "Mutual TLS on the silo and gateway ports: certificate {Certificate}; peers must be issued by {Authorities}")]
    private static partial void LogTls(ILogger logger, string certificate, string authorities);

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
