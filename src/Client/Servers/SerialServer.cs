using System.Net;
using System.Net.Sockets;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>The serial design: one thread accepts a connection, serves it to the end, then accepts the next.</summary>
internal sealed class SerialServer : IRunningServer
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public SerialServer(ServerRunSettings settings)
    {
        _listener = ServerSocket.Listen(new IPEndPoint(settings.Address, settings.Port), settings.Backlog);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _thread = new Thread(() => AcceptLoop(_listener, settings, _stop.Token)) { IsBackground = true, Name = "serial server" };
        _thread.Start();
    }

    public ServerDesign Design => ServerDesign.Serial;

    public int Port { get; }

    public string Details => "";

    /// <summary>Accepts and serves one connection at a time until the listener closes (also the process design's worker loop).</summary>
    public static void AcceptLoop(Socket listener, ServerRunSettings settings, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (BlockingAccept.Next(listener, cancellationToken) is not { } connection)
            {
                return;
            }

            BlockingLineSession.ServeAndClose(connection, settings, cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
