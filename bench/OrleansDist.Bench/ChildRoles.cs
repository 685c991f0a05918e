using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansDist.Telemetry;

namespace OrleansDist.Bench;

/// <summary>The roles the bench starts in child processes. Each prints one READY line on stdout, and stops when stdin closes.</summary>
internal static class ChildRoles
{
    public const string ClusterId = "orleansdist-bench";
    public const string ServiceId = "orleansdist-bench";

    /// <summary>
    /// A silo on development clustering: the primary (its own silo port as --primary) keeps the membership table in
    /// memory; the other joins through it. Gateway port 0 means no gateway.
    /// </summary>
    public static async Task<int> RunSiloAsync(BenchOptions o)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "OrleansDist.Bench.Silo" });
        ConfigureLogging(builder.Logging, builder.Services, o.Verbose ? LogLevel.Information : LogLevel.Warning);
        var isPrimary = o.PrimaryPort == o.SiloPort;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: o.SiloPort,
                gatewayPort: o.GatewayPort,
                primarySiloEndpoint: isPrimary ? null : new IPEndPoint(IPAddress.Loopback, o.PrimaryPort),
                serviceId: ServiceId,
                clusterId: ClusterId);
            silo.Configure<SiloOptions>(s => s.SiloName = o.Name!);
            if (Telemetry.Exported)
            {
                silo.AddActivityPropagation();
            }
        });
        builder.AddOrleansDistTelemetry(new TelemetrySettings { ServiceName = "orleansdist-bench-silo", InstanceName = o.Name });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(3));
        using var host = builder.Build();
        using var stop = StopWhenStdinCloses();
        await host.StartAsync(stop.Token);
        var details = host.Services.GetRequiredService<ILocalSiloDetails>();
        Console.Out.WriteLine($"READY silo name={details.Name} address={details.SiloAddress.ToParsableString()} gateway={(o.GatewayPort == 0 ? "none" : details.GatewayAddress?.Endpoint.ToString() ?? "none")}");
        Console.Out.Flush();

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource();
        using (stop.Token.Register(() => stopped.TrySetResult()))
        using (lifetime.ApplicationStopping.Register(() => stopped.TrySetResult()))
        {
            await stopped.Task;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await host.StopAsync(timeout.Token);
        return 0;
    }

    public static async Task<int> RunEchoServerAsync(BenchOptions o)
    {
        using var stop = StopWhenStdinCloses();
        await RawTcp.RunEchoServerAsync(o.Port, stop.Token);
        return 0;
    }

    /// <summary>With --otlp the parent sets OTEL_EXPORTER_OTLP_ENDPOINT for its children: grain calls are traced and exported.</summary>
    private static class Telemetry
    {
        public static bool Exported => new TelemetrySettings { ServiceName = "" }.ExportsOtlp;
    }

    /// <summary>Single-line console logs on stderr (stdout carries only the READY line), at <paramref name="level"/> and above.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, IServiceCollection services, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(c => c.SingleLine = true);
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
    }

    /// <summary>
    /// The parent holds our stdin: when it closes (parent done, or parent died), we stop; if stopping takes longer than
    /// a few seconds, the process exits anyway, so no silo outlives its bench.
    /// </summary>
    private static CancellationTokenSource StopWhenStdinCloses()
    {
        var cts = new CancellationTokenSource();
        var thread = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (Exception)
            {
                // treat as closed
            }

            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the role already finished
            }

            Thread.Sleep(TimeSpan.FromSeconds(5));
            Environment.Exit(0);
        })
        {
            IsBackground = true,
            Name = "stdin watcher",
        };
        thread.Start();
        return cts;
    }
}
