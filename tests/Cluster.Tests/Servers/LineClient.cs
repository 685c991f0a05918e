using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansDist.Cluster.Tests.Servers;

/// <summary>A test's TCP client of the task protocol: sends bytes or lines, reads reply lines with a timeout.</summary>
internal sealed class LineClient : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[8192];

    private LineClient(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TimeSpan.FromSeconds(10));
        return new LineClient(socket);
    }

    public Task SendLineAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <returns>The next line, or null when the server closed the connection.</returns>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString([.. _pending.Take(newline)]);
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no reply line within {timeout.TotalSeconds:0.#} s");
            }

            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }

    /// <summary>Closes with a reset (SO_LINGER 0) instead of a FIN: a client that crashed.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();
}
