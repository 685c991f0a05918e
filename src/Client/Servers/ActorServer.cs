using System.Net;
using Microsoft.Extensions.Logging;
using OrleansDist.Grains.Servers;
using OrleansDist.Hosting;
using OrleansDist.Telemetry;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The actor design: an embedded Orleans cluster (silos over real loopback TCP) whose every silo runs the TCP front end
/// on the same port (SO_REUSEPORT); each connection is a session grain that does the tasks.
/// </summary>
internal sealed class ActorServer : IRunningServer
{
    private readonly EmbeddedCluster _cluster;

    private readonly bool _reuseSessions;

    private ActorServer(EmbeddedCluster cluster, int port, bool reuseSessions)
    {
        _cluster = cluster;
        Port = port;
        _reuseSessions = reuseSessions;
    }

    public ServerDesign Design => ServerDesign.Actor;

    public int Port { get; }

    public string Details => $"silos={_cluster.Silos.Count} session-grains={(_reuseSessions ? "pooled" : "per-connection")}";

    public static async Task<ActorServer> StartAsync(ServerRunSettings settings, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        // every silo binds the same port: pick it before the first one starts
        var port = settings.Port != 0 ? settings.Port : LocalPorts.Free(settings.Address);
        var options = new ActorFrontEndOptions
        {
            Endpoint = new IPEndPoint(settings.Address, port),
            TaskDuration = settings.TaskDuration,
            Work = settings.Work,
            MaxLineBytes = settings.MaxLineBytes,
            Backlog = settings.Backlog,
            Listeners = settings.Listeners,
            ReuseSessions = settings.ReuseSessions,
        };
        var cluster = await EmbeddedCluster.StartAsync(
            settings.Silos,
            configureLogging: logging,
            configureSilo: (_, silo) =>
            {
                silo.AddActorServerFrontEnd(options);
                // tasks take seconds by design, and CPU tasks queue behind the cores: the default 30 s would cut them off
                silo.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
            },
            clusterId: $"servers-{Guid.NewGuid():N}"[..16],
            cancellationToken: cancellationToken);
        return new ActorServer(cluster, port, settings.ReuseSessions);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
