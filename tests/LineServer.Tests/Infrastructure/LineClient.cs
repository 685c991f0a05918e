using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansDist.LineServer.Tests.Infrastructure;

/// <summary>
/// A test client with a proper line reader: it buffers whatever TCP delivers and cuts lines at \n, so it is indifferent to
/// how replies are split or merged. Binding a distinct loopback source address (127.0.0.2, ...) makes it a distinct IP.
/// </summary>
public sealed class LineClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[8192];
    private readonly List<byte> _pending = [];
    private bool _ended;

    private LineClient(Socket socket)
    {
        _socket = socket;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Sizes of the chunks the socket delivered, in order.</summary>
    public List<int> ReceivedChunks { get; } = [];

    public static async Task<LineClient> ConnectAsync(IPEndPoint server, string localAddress = "127.0.0.1")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(server, timeout.Token);
            return new LineClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Half-closes: the server sees the end of the stream, the client can still read.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next line without its \n (a \r is kept: the server never sends one), or null when the server closed.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString([.. _pending.GetRange(0, newline)]);
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            if (!await ReceiveAsync(cts.Token))
            {
                return null;
            }
        }
    }

    public async Task<string> ExpectLineAsync(TimeSpan? timeout = null) =>
        await ReadLineAsync(timeout) ?? throw new Xunit.Sdk.XunitException("The server closed the connection where a line was expected.");

    /// <summary>Exactly <paramref name="count"/> bytes (for replies that lack a newline).</summary>
    public async Task<string> ReadBytesAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (_pending.Count < count)
        {
            if (!await ReceiveAsync(cts.Token))
            {
                throw new Xunit.Sdk.XunitException($"The server closed the connection after {_pending.Count} of {count} bytes.");
            }
        }

        var text = Encoding.UTF8.GetString([.. _pending.GetRange(0, count)]);
        _pending.RemoveRange(0, count);
        return text;
    }

    /// <summary>SENDLINE and its two reply lines.</summary>
    public async Task<(string Number, string Text)> SendLineAsync()
    {
        await SendAsync("SENDLINE\n");
        return (await ExpectLineAsync(), await ExpectLineAsync());
    }

    /// <summary>True when the server closes (or resets) the connection within the timeout, discarding any data before that.</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await ReceiveAsync(cts.Token))
            {
                _pending.Clear();
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _socket.Dispose();
    }

    private async Task<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }

        int read;
        try
        {
            read = await _socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }

        if (read == 0)
        {
            _ended = true;
            return false;
        }

        ReceivedChunks.Add(read);
        _pending.AddRange(_receiveBuffer.AsSpan(0, read));
        return true;
    }
}
