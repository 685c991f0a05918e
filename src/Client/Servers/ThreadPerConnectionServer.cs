using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The thread design: an accept thread starts a dedicated OS thread for every connection (blocking sockets, no pool),
/// as the seed's multi-threaded server does. A thread that cannot be started (memory, the system's thread limit) costs
/// that client an error line and its connection, not the server.
/// </summary>
internal sealed class ThreadPerConnectionServer : IRunningServer
{
    /// <summary>Each connection's thread reserves this much stack: it needs little, and 10,000 threads × the 8 MiB default is 80 GiB of address space.</summary>
    public const int StackBytes = 256 * 1024;

    private readonly List<Socket> _listeners;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _acceptThreads;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private long _threadFailures;

    public ThreadPerConnectionServer(ServerRunSettings settings)
    {
        // several accept threads, each on its own listening socket: one queue overflows at 4096 waiting connections
        _listeners = ServerSocket.ListenShared(new IPEndPoint(settings.Address, settings.Port), settings.Listeners, settings.Backlog);
        Port = ((IPEndPoint)_listeners[0].LocalEndPoint!).Port;
        _acceptThreads = [.. _listeners.Select(listener => new Thread(() => AcceptLoop(listener, settings)) { IsBackground = true, Name = "accept" })];
        _acceptThreads.ForEach(t => t.Start());
    }

    public ServerDesign Design => ServerDesign.Thread;

    public int Port { get; }

    public string Details => $"listeners={_listeners.Count}";

    /// <summary>Connections whose thread could not be started.</summary>
    public long ThreadFailures => Interlocked.Read(ref _threadFailures);

    private void AcceptLoop(Socket listener, ServerRunSettings settings)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            if (BlockingAccept.Next(listener, token) is not { } connection)
            {
                return;
            }

            _open[connection] = 0;
            var thread = new Thread(() =>
            {
                BlockingLineSession.ServeAndClose(connection, settings, token);
                _open.TryRemove(connection, out _);
            }, StackBytes) { IsBackground = true };
            try
            {
                thread.Start();
            }
            catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
            {
                var failures = Interlocked.Increment(ref _threadFailures);
                if (failures == 1 || failures % 1000 == 0)
                {
                    Console.Error.WriteLine($"cannot start a thread for a connection ({failures} so far): {ex.GetType().Name}: {ex.Message}");
                }

                RefuseQuietly(connection, $"{TaskProtocol.ErrorPrefix}server cannot start a thread: {ex.GetType().Name}");
                _open.TryRemove(connection, out _);
            }
        }
    }

    private static void RefuseQuietly(Socket connection, string line)
    {
        try
        {
            connection.Send(ServerSocket.Encode(line));
        }
        catch (SocketException)
        {
            // the client left already
        }
        finally
        {
            connection.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listeners.ForEach(l => l.Dispose());
        _acceptThreads.ForEach(t => t.Join(TimeSpan.FromSeconds(5)));
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
