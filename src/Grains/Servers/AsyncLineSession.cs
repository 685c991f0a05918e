using System.Net.Sockets;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// Serves one connection with async socket calls (no thread held while waiting): reads lines, answers errors at once,
/// hands each task to <c>runTask</c> and writes its reply, until <c>exit</c>, the client's close or cancellation.
/// Used by the async design (the task runs in the process) and by the actor design's front end (the task runs in a grain).
/// </summary>
public static class AsyncLineSession
{
    private const int ReceiveBufferBytes = 4096;

    /// <returns>How many tasks were answered.</returns>
    public static async Task<int> ServeAsync(Socket socket, int maxLineBytes, Func<string, CancellationToken, Task<string>> runTask, CancellationToken cancellationToken)
    {
        var framer = new LineFramer(maxLineBytes);
        var buffer = new byte[ReceiveBufferBytes];
        var lines = new List<FramedLine>();
        var answered = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return answered;
            }

            lines.Clear();
            framer.Feed(buffer.AsSpan(0, read), lines);
            foreach (var line in lines)
            {
                var action = TaskProtocol.Handle(line, maxLineBytes);
                switch (action.Kind)
                {
                    case ProtocolActionKind.Exit:
                        await SendAsync(socket, action.Text, cancellationToken);
                        return answered;
                    case ProtocolActionKind.Error:
                        await SendAsync(socket, action.Text, cancellationToken);
                        break;
                    default:
                        var reply = await runTask(action.Text, cancellationToken);
                        await SendAsync(socket, reply, cancellationToken);
                        answered++;
                        break;
                }
            }
        }
    }

    private static async Task SendAsync(Socket socket, string line, CancellationToken cancellationToken)
    {
        var bytes = ServerSocket.Encode(line);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }
}
