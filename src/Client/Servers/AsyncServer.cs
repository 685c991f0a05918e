using System.Net;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The async design: one process, async accepts and reads; a connection waiting for its task holds a timer and a
/// buffer, not a thread. CPU tasks still burn a thread-pool thread each, so they are bounded by the cores.
/// </summary>
internal sealed class AsyncServer : IRunningServer
{
    private readonly AsyncAcceptLoop _loop;

    public AsyncServer(ServerRunSettings settings, TimeProvider time)
    {
        var listener = ServerSocket.Listen(new IPEndPoint(settings.Address, settings.Port), settings.Backlog);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _loop = new AsyncAcceptLoop(
            listener,
            (socket, ct) => AsyncLineSession.ServeAsync(socket, settings.MaxLineBytes, async (text, token) =>
            {
                await TaskWork.RunAsync(settings.Work, settings.TaskDuration, time, token);
                return TaskProtocol.Reply(text);
            }, ct),
            ex => Console.Error.WriteLine($"accept failed: {ex.Message}"));
    }

    public ServerDesign Design => ServerDesign.Async;

    public int Port { get; }

    public string Details => "";

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
