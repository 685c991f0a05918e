using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dist.GrainInterfaces.Servers;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// The actor design's TCP front end, one in every silo, all on the same port (SO_REUSEPORT: the kernel spreads the
/// connections over the silos). It speaks the line protocol itself and hands every task of a connection to that
/// connection's <see cref="IServerSessionGrain"/>, wherever Orleans placed it. It listens once the silo is Active and
/// stops listening when the silo stops. A session grain whose connection ended waits in a pool for the next connection
/// (<see cref="ActorFrontEndOptions.ReuseSessions"/>), as a thread pool keeps its threads: the pool grows to the most
/// connections the front end has held at once, and Orleans collects activations that stay idle.
/// </summary>
public sealed class ActorServerFrontEnd(ActorFrontEndOptions options, IGrainFactory grains, ILocalSiloDetails silo, ILogger<ActorServerFrontEnd> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private readonly List<AsyncAcceptLoop> _loops = [];
    private readonly ConcurrentStack<IServerSessionGrain> _idleSessions = new();
    private long _connections;
    private long _sessions;

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
        var connectionId = Interlocked.Increment(ref _connections);
        var session = options.ReuseSessions && _idleSessions.TryPop(out var idle)
            ? idle
            : grains.GetGrain<IServerSessionGrain>($"{silo.Name}-{_instance}-{Interlocked.Increment(ref _sessions)}");
        var durationMs = (int)options.TaskDuration.TotalMilliseconds;
        var healthy = true;
        try
        {
            await AsyncLineSession.ServeAsync(connection, options.MaxLineBytes, async (text, _) =>
            {
                try
                {
                    return await session.Run(new ServerTask(text, durationMs, options.Work, connectionId));
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // the client hears why instead of a silent close; the session may still be busy, so it is not reused
                    healthy = false;
                    ServersLog.SessionFailed(logger, ex.Message);
                    return $"{TaskProtocol.ErrorPrefix}task failed: {ex.GetType().Name}";
                }
            }, cancellationToken);
        }
        finally
        {
            // every call to the session has returned by now (a task is awaited before the next read): it is free
            if (options.ReuseSessions && healthy)
            {
                _idleSessions.Push(session);
            }
            else
            {
                await EndAsync(session);
            }
        }
    }

    private async Task EndAsync(IServerSessionGrain session)
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

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }

        _loops.Clear();
    }
}
