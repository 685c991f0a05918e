using System.Net.Sockets;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// Serves one connection with blocking socket calls on the calling thread: the serial, thread and process designs.
/// The thread is held for the whole connection, waiting included, which is the point of those designs.
/// </summary>
internal static class BlockingLineSession
{
    private const int ReceiveBufferBytes = 4096;

    /// <returns>How many tasks were answered.</returns>
    public static int Serve(Socket socket, ServerRunSettings settings, CancellationToken cancellationToken)
    {
        var framer = new LineFramer(settings.MaxLineBytes);
        var buffer = new byte[ReceiveBufferBytes];
        var lines = new List<FramedLine>();
        var answered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                return answered;
            }

            lines.Clear();
            framer.Feed(buffer.AsSpan(0, read), lines);
            foreach (var line in lines)
            {
                var action = TaskProtocol.Handle(line, settings.MaxLineBytes);
                switch (action.Kind)
                {
                    case ProtocolActionKind.Exit:
                        socket.Send(ServerSocket.Encode(action.Text));
                        return answered;
                    case ProtocolActionKind.Error:
                        socket.Send(ServerSocket.Encode(action.Text));
                        break;
                    default:
                        TaskWork.Run(settings.Work, settings.TaskDuration, cancellationToken);
                        socket.Send(ServerSocket.Encode(TaskProtocol.Reply(action.Text)));
                        answered++;
                        break;
                }
            }
        }

        return answered;
    }

    /// <summary>Serves and closes the connection; a client that vanishes ends only its own session.</summary>
    public static void ServeAndClose(Socket socket, ServerRunSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            Serve(socket, settings, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the client went away (reset, broken pipe) or the server stops
        }
        finally
        {
            socket.Dispose();
        }
    }
}
