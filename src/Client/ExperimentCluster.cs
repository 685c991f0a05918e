using OrleansDist.Hosting;

namespace OrleansDist.Client;

/// <summary>
/// Where an experiment runs: an <see cref="EmbeddedCluster"/> of N silos in this process (real loopback TCP between
/// them; silo names <c>silo0</c>, <c>silo1</c>, ...) or, with <c>--cluster</c>, the running cluster reached through
/// <see cref="ClusterAccess"/>. Disposing stops whatever was started here (never the running cluster).
/// </summary>
internal sealed class ExperimentCluster : IAsyncDisposable
{
    private readonly ClusterConnection? _connection;

    private ExperimentCluster(IClusterClient client, string description, EmbeddedCluster? embedded, ClusterConnection? connection)
    {
        Client = client;
        Description = description;
        Embedded = embedded;
        _connection = connection;
    }

    public IClusterClient Client { get; }

    /// <summary>E.g. <c>embedded 3-silo cluster</c> or <c>cluster orleansdist (sqlite:./orleansdist.db)</c>.</summary>
    public string Description { get; }

    /// <summary>The in-process cluster, or null with <c>--cluster</c>.</summary>
    public EmbeddedCluster? Embedded { get; }

    public bool IsEmbedded => Embedded is not null;

    /// <param name="configureSilo">Anything more each embedded silo needs, given its index (e.g. a hosted service).</param>
    /// <param name="storage">The embedded silos' grain storage (default: Orleans' memory storage).</param>
    public static async Task<ExperimentCluster> StartAsync(
        CommonOptions.Settings common,
        bool useCluster,
        int silos,
        TextWriter log,
        CancellationToken cancellationToken,
        Action<int, ISiloBuilder>? configureSilo = null,
        ProviderSpec? storage = null)
    {
        if (useCluster)
        {
            var connection = await ClusterAccess.ConnectAsync(common, cancellationToken);
            await log.WriteLineAsync($"Using the running cluster '{common.ClusterId}' ({common.MembershipDescription})");
            return new ExperimentCluster(connection.Client, $"cluster {common.ClusterId} ({common.MembershipDescription})", null, connection);
        }

        var cluster = await EmbeddedCluster.StartAsync(
            silos,
            configureSilo: configureSilo,
            storage: storage,
            cancellationToken: cancellationToken);
        await log.WriteLineAsync($"Embedded cluster (Microsoft Orleans): {string.Join(", ", cluster.Describe().Select(s => $"{s.Name} ({s.Address})"))}");
        return new ExperimentCluster(cluster.Client, $"embedded {silos}-silo cluster", cluster, null);
    }

    /// <summary>The names of the live silos: the embedded ones, or those the management grain reports as active.</summary>
    public async Task<IReadOnlyList<string>> SiloNamesAsync()
    {
        if (Embedded is not null)
        {
            return [.. Embedded.Describe().Select(s => s.Name)];
        }

        var hosts = await Client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        return [.. hosts.Select(h => h.SiloName).Order(StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
    }
}
