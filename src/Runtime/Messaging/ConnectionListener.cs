using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Runtime.Messaging;

/// <summary>Accepts TCP connections on one endpoint and hands each one, after its handshake, to the owner.</summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<Handshake, string?> _validate;
    private readonly Func<Handshake> _localHandshake;
    private readonly Action<Connection> _onAccepted;
    private readonly MessagingOptions _options;
    private readonly ILogger _logger;
    private Task? _acceptLoop;

    public ConnectionListener(IPEndPoint endpoint, string role, Func<Handshake, string?> validate, Func<Handshake> localHandshake, Action<Connection> onAccepted, MessagingOptions options, ILogger logger)
    {
        _validate = validate;
        _localHandshake = localHandshake;
        _onAccepted = onAccepted;
        _options = options;
        _logger = logger;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            // plain SO_REUSEADDR (restart while old connections linger in TIME_WAIT); .NET's ReuseAddress also sets
            // SO_REUSEPORT on Linux, which would let a second silo share the port silently
            _socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
        }

        try
        {
            _socket.Bind(endpoint);
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            var hint = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => " Another silo or program already listens on that port.",
                SocketError.AddressNotAvailable => " That IP address does not belong to this machine.",
                _ => "",
            };
            throw new InvalidOperationException($"Cannot listen for {role} connections on {endpoint}: {ex.Message}.{hint}", ex);
        }

        _socket.Listen(512);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        MessagingLog.Listening(logger, role, LocalEndPoint);
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Start() => _acceptLoop = Task.Run(AcceptLoopAsync);

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = HandshakeAsync(accepted);
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        var connection = await Connection.AcceptAsync(socket, _validate, _localHandshake(), _options, _logger, _stopping.Token).ConfigureAwait(false);
        if (connection is not null)
        {
            _onAccepted(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
