using System.Net;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The async design: one process, async accepts and reads; a connection waiting for its task holds a timer and a
/// buffer, not a thread. CPU tasks still burn a thread-pool thread each, so they are bounded by the cores.
/// </summary>
internal sealed class AsyncServer : IRunningServer
{
    private readonly List<AsyncAcceptLoop> _loops;

    public AsyncServer(ServerRunSettings settings, TimeProvider time)
    {
        var listeners = ServerSocket.ListenShared(new IPEndPoint(settings.Address, settings.Port), settings.Listeners, settings.Backlog);
        Port = ((IPEndPoint)listeners[0].LocalEndPoint!).Port;
        _loops = [.. listeners.Select(listener => new AsyncAcceptLoop(
            listener,
            (socket, ct) => AsyncLineSession.ServeAsync(socket, settings.MaxLineBytes, async (text, token) =>
            {
                await TaskWork.RunAsync(settings.Work, settings.TaskDuration, time, token);
                return TaskProtocol.Reply(text);
            }, ct),
            ex => Console.Error.WriteLine($"accept failed: {ex.Message}")))];
    }

    public ServerDesign Design => ServerDesign.Async;

    public int Port { get; }

    public string Details => $"listeners={_loops.Count}";

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }
    }
}
