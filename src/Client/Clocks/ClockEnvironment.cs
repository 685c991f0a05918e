using OrleansDist.Hosting;

namespace OrleansDist.Client.Clocks;

/// <summary>The cluster the clock commands run on: an embedded one of N in-process silos, or a running one (--cluster).</summary>
internal sealed class ClockEnvironment : IAsyncDisposable
{
    private readonly EmbeddedCluster? _embedded;
    private readonly ClusterConnection? _external;

    private ClockEnvironment(IClusterClient client, string description, EmbeddedCluster? embedded, ClusterConnection? external)
    {
        Client = client;
        Description = description;
        _embedded = embedded;
        _external = external;
    }

    public IClusterClient Client { get; }

    public string Description { get; }

    public static async Task<ClockEnvironment> StartAsync(bool useCluster, int silos, CommonOptions.Settings common, TextWriter log, CancellationToken cancellationToken)
    {
        if (useCluster)
        {
            var connection = await ClusterAccess.ConnectAsync(common, cancellationToken);
            await log.WriteLineAsync($"Using the running cluster '{common.ClusterId}' ({common.MembershipDescription})");
            return new ClockEnvironment(connection.Client, $"cluster {common.ClusterId}", null, connection);
        }

        var cluster = await EmbeddedCluster.StartAsync(silos, cancellationToken: cancellationToken);
        await log.WriteLineAsync($"Embedded cluster (Microsoft Orleans): {string.Join(", ", cluster.Describe().Select(s => $"{s.Name} ({s.Address})"))}");
        return new ClockEnvironment(cluster.Client, $"embedded {silos}-silo cluster", cluster, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_external is not null)
        {
            await _external.DisposeAsync();
        }

        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
