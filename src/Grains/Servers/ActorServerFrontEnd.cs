using System.Net;
using System.Net.Sockets;
using Dist.GrainInterfaces.Servers;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// The actor design's TCP front end, one in every silo, all on the same port (SO_REUSEPORT: the kernel spreads the
/// connections over the silos). It speaks the line protocol itself and hands every task of a connection to that
/// connection's <see cref="IServerSessionGrain"/>, wherever Orleans placed it. It listens once the silo is Active and
/// stops listening when the silo stops.
/// </summary>
public sealed class ActorServerFrontEnd(ActorFrontEndOptions options, IGrainFactory grains, ILocalSiloDetails silo, ILogger<ActorServerFrontEnd> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private readonly List<AsyncAcceptLoop> _loops = [];
    private long _connections;

    /// <summary>The port listened on (the options' port, or the one the system chose for port 0).</summary>
    public int Port { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ActorServerFrontEnd), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        var listeners = ServerSocket.ListenShared(options.Endpoint, options.Listeners, options.Backlog);
        Port = ((IPEndPoint)listeners[0].LocalEndPoint!).Port;
        ServersLog.FrontEndListening(logger, silo.Name, $"{listeners[0].LocalEndPoint} ({listeners.Count} listening sockets)");
        _loops.AddRange(listeners.Select(l => new AsyncAcceptLoop(l, ServeAsync, ex => ServersLog.AcceptFailed(logger, ex.Message))));
        return Task.CompletedTask;
    }

    private async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        var session = grains.GetGrain<IServerSessionGrain>($"{silo.Name}-{_instance}-{Interlocked.Increment(ref _connections)}");
        var durationMs = (int)options.TaskDuration.TotalMilliseconds;
        try
        {
            await AsyncLineSession.ServeAsync(connection, options.MaxLineBytes, async (text, _) =>
            {
                try
                {
                    return await session.Run(new ServerTask(text, durationMs, options.Work));
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // the client hears why instead of a silent close
                    ServersLog.SessionFailed(logger, ex.Message);
                    return $"{TaskProtocol.ErrorPrefix}task failed: {ex.GetType().Name}";
                }
            }, cancellationToken);
        }
        finally
        {
            try
            {
                await session.End();
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                ServersLog.SessionFailed(logger, ex.Message);
            }
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }

        _loops.Clear();
    }
}
