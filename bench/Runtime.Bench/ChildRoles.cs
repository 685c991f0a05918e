using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Hosting;

namespace OrleansDist.Bench;

/// <summary>The roles the bench starts in child processes. Each prints one READY line on stdout, and stops when stdin closes.</summary>
internal static class ChildRoles
{
    public static async Task<int> RunSiloAsync(BenchOptions o)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "Runtime.Bench.Silo" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansDist(silo =>
        {
            silo.UseLocalhostClustering(o.SiloPort, o.GatewayPort, primarySiloEndpoint: new IPEndPoint(IPAddress.Loopback, o.PrimaryPort));
            silo.Configure<SiloOptions>(s =>
            {
                s.SiloName = o.Name;
                s.ShutdownTimeout = TimeSpan.FromSeconds(2);
            });
        });
        using var host = builder.Build();
        using var stop = StopWhenStdinCloses();
        await host.StartAsync(stop.Token);
        var silo = (Silo)host.Services.GetService(typeof(Silo))!;
        Console.Out.WriteLine($"READY silo name={silo.SiloName} address={silo.SiloAddress} gateway={silo.GatewayEndpoint?.ToString() ?? "none"}");
        Console.Out.Flush();

        var lifetime = (IHostApplicationLifetime)host.Services.GetService(typeof(IHostApplicationLifetime))!;
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

    /// <summary>The parent holds our stdin: when it closes (parent done, or parent died), we stop.</summary>
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
        })
        {
            IsBackground = true,
            Name = "stdin watcher",
        };
        thread.Start();
        return cts;
    }
}
