using System.Net;
using OrleansDist.Hosting;
using OrleansDist.Runtime.Client;
using OrleansDist.Runtime.Hosting;

namespace OrleansDist.Cluster.Tests;

internal static class ClusterClients
{
    public static Task<ClusterClient> ConnectAsync(string clusterId, params IPEndPoint[] gateways) =>
        ClientHostingExtensions.ConnectClientAsync(c =>
        {
            c.UseStaticClustering(gateways);
            c.Configure<ClusterOptions>(o => o.ClusterId = clusterId);
            c.Configure<ClientOptions>(o => o.MaxReconnectBackoff = TimeSpan.FromMilliseconds(500));
        });

    /// <summary>Retries calls that failed because a silo went away (the error a caller is told it may retry).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is SiloUnavailableException or ClusterConnectionException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
