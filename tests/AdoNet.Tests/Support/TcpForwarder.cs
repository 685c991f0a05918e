using System.Net;
using System.Net.Sockets;

namespace OrleansDist.AdoNet.Tests.Support;

/// <summary>
/// Forwards every connection on a loopback port to another endpoint, like a database that comes up late: start it
/// after a client began failing to connect to <see cref="Port"/>.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;

    public TcpForwarder(int port, string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
            }

            _ = PipeAsync(inbound, outbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound, TcpClient outbound)
    {
        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
