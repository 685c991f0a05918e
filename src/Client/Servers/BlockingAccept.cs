using System.Net.Sockets;

namespace OrleansDist.Client.Servers;

/// <summary>The blocking accept shared by the serial, process-worker and thread-per-connection designs.</summary>
internal static class BlockingAccept
{
    /// <summary>
    /// The next connection (NoDelay set), or null once the listener is closed or <paramref name="cancellationToken"/> is
    /// cancelled; a transient accept failure is reported on stderr and retried after 50 ms.
    /// </summary>
    public static Socket? Next(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = listener.Accept();
                connection.NoDelay = true;
                return connection;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.Interrupted or SocketError.OperationAborted or SocketError.Shutdown)
            {
                return null;
            }
            catch (SocketException ex)
            {
                Console.Error.WriteLine($"accept failed: {ex.SocketErrorCode}: {ex.Message}");
                Thread.Sleep(50);
            }
        }

        return null;
    }
}
