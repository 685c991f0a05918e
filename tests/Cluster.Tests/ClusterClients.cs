using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;

namespace OrleansDist.Cluster.Tests;

/// <summary>An Orleans client in the test process, connected to the given gateways the OrleansDist way.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly IHost _host;

    private TestClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey => Client.GetGrain<TGrain>(key);

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => Client.GetGrain<TGrain>(key);

    /// <param name="responseTimeout">How long one call may take (Orleans' default is 30 s).</param>
    public static async Task<TestClient> ConnectAsync(string clusterId, IEnumerable<IPEndPoint> gateways, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseOrleansDist(new OrleansDistClientOptions
        {
            ClusterId = clusterId,
            ServiceId = clusterId,
            Gateways = [.. gateways],
            ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(30),
        }));
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestClient(host);
    }

    public static Task<TestClient> ConnectAsync(string clusterId, params IPEndPoint[] gateways) => ConnectAsync(clusterId, gateways, null);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OrleansException)
        {
            // closing anyway
        }
        finally
        {
            _host.Dispose();
        }
    }
}

internal static class ClusterClients
{
    /// <summary>What a caller is told it may retry: the silo went away, the call timed out, or the message was rejected.</summary>
    public static bool IsRetryable(Exception ex) => ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException;

    /// <summary>Retries calls that failed because a silo went away, until <paramref name="patience"/> is spent.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan? patience = null, List<string>? failures = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = patience ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (IsRetryable(ex) && clock.Elapsed < limit)
            {
                failures?.Add($"{clock.Elapsed.TotalSeconds:0.00} s {ex.GetType().Name}");
                await Task.Delay(100);
            }
        }
    }
}
