using System.Collections.Concurrent;
using System.Net.Sockets;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// Accepts connections on a listening socket and serves each on its own task (no thread per connection), until
/// disposed. A failed accept (e.g. out of file descriptors) is reported and retried after a short pause instead of
/// ending the server; a session that fails only closes its own connection.
/// </summary>
public sealed class AsyncAcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly Action<Exception> _onAcceptError;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Task> _sessions = new();
    private readonly Task _loop;

    /// <param name="serve">Serves one accepted connection; the loop closes the socket afterwards.</param>
    public AsyncAcceptLoop(Socket listener, Func<Socket, CancellationToken, Task> serve, Action<Exception> onAcceptError)
    {
        _listener = listener;
        _serve = serve;
        _onAcceptError = onAcceptError;
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Connections being served now.</summary>
    public int OpenConnections => _sessions.Count;

    private async Task AcceptAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _onAcceptError(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                continue;
            }

            connection.NoDelay = true;
            // Task.Run: a CPU task's synchronous burn must not hold up the accepts
            _sessions[connection] = Task.Run(() => ServeAsync(connection, token), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken token)
    {
        try
        {
            await _serve(connection, token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the client went away or the server stops: only this connection ends
        }
        finally
        {
            _sessions.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        foreach (var socket in _sessions.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_sessions.Values).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
