using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Client.P2P;

/// <summary>
/// The floor the P2P figures are compared with: the same file sent over one plain loopback TCP connection and written
/// to a file, no Orleans, no chunks, no hashing.
/// </summary>
internal static class TcpCopyFloor
{
    /// <summary>Seconds to copy <paramref name="source"/> to <paramref name="target"/> over loopback TCP.</summary>
    public static async Task<double> CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var watch = Stopwatch.StartNew();
        var send = Task.Run(async () =>
        {
            using var connection = await listener.AcceptTcpClientAsync(cancellationToken);
            await using var stream = connection.GetStream();
            await using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
            await file.CopyToAsync(stream, 1 << 20, cancellationToken);
        }, cancellationToken);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            await using var stream = client.GetStream();
            await using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
            await stream.CopyToAsync(file, 1 << 20, cancellationToken);
        }

        await send;
        return watch.Elapsed.TotalSeconds;
    }
}
