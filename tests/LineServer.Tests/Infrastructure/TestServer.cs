using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansDist.LineServer.Tests.Infrastructure;

/// <summary>An in-process line server on 127.0.0.1 and an ephemeral port, with its logs captured.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;

    private TestServer(LineServerHost host, LogCapture logs, ILoggerFactory loggerFactory)
    {
        Host = host;
        Logs = logs;
        _loggerFactory = loggerFactory;
    }

    public LineServerHost Host { get; }

    public LogCapture Logs { get; }

    public IPEndPoint EndPoint => Host.EndPoint;

    public IReadOnlyList<string> Lines => Host.FileLines;

    /// <summary>Starts a server: 20 generated lines (seed 42), rate 1000/s, unless <paramref name="configure"/> says otherwise.</summary>
    public static async Task<TestServer> StartAsync(Action<LineServerOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new LineServerOptions { Port = 0, BindAddress = "127.0.0.1", Lines = 20, Seed = 42, Rate = 1000 };
        configure?.Invoke(options);
        var logs = new LogCapture();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var host = new LineServerHost(options, loggerFactory, time);
        await host.StartAsync();
        return new TestServer(host, logs, loggerFactory);
    }

    public Task<LineClient> ConnectAsync(string localAddress = "127.0.0.1") => LineClient.ConnectAsync(EndPoint, localAddress);

    /// <summary>Polls until <paramref name="condition"/> holds (the server's view catches up with a client's close).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + LineClient.DefaultTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("Timed out waiting until " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Host.StopAsync(timeout.Token);
        await Host.DisposeAsync();
        _loggerFactory.Dispose();
    }
}
