using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansDist.Client;

/// <summary>A started Orleans client host; disposing it closes the client's gateway connections.</summary>
internal sealed class ClusterConnection(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OrleansException)
        {
            // closing anyway
        }
        finally
        {
            host.Dispose();
        }
    }
}
