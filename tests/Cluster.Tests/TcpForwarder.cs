using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Cluster.Tests;

/// <summary>Listens on a loopback port and forwards every connection to a target: a database that "appears" on that port.</summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;

    private TcpForwarder(int port, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Connections { get; private set; }

    public static TcpForwarder Start(int port, IPEndPoint target) => new(port, target);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Connections++;
            lock (_pumps)
            {
                _pumps.Add(ForwardAsync(client));
            }
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var _ = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client, server, stop);
            var down = PumpAsync(server, client, stop);
            await Task.WhenAny(up, down);
            await stop.CancelAsync();
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // one side went away
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationTokenSource stop)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // done
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // already closed
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
