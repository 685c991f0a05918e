using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>
/// The seed's UDP server on the cluster: a datagram "text" + digit d becomes a unicast (fifo) from member
/// <see cref="Sender"/> to member <c>client{d}</c>; once it is in that member's log the client gets a reply datagram
/// saying so. A malformed datagram gets an <c>ERROR:</c> reply and a line on stderr; nothing stops the loop but
/// cancellation.
/// </summary>
internal sealed class GroupUdpServer(IClusterClient client, UdpClient socket, string sender, TimeSpan deliveryTimeout, TextWriter output, TextWriter errors)
{
    public string Sender { get; } = sender;

    public IPEndPoint EndPoint => (IPEndPoint)socket.Client.LocalEndPoint!;

    private long _received;
    private long _errors;

    public long Received => Interlocked.Read(ref _received);

    public long Errors => Interlocked.Read(ref _errors);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await socket.ReceiveAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // e.g. an ICMP port-unreachable from an earlier reply to a client that has gone: not the server's end
                Interlocked.Increment(ref _errors);
                await errors.WriteLineAsync($"warning: receive failed: {ex.Message}");
                continue;
            }

            Interlocked.Increment(ref _received);
            inFlight.RemoveAll(t => t.IsCompleted);
            // each datagram on its own: a slow delivery does not hold up the next client
            inFlight.Add(HandleAsync(datagram.Buffer, datagram.RemoteEndPoint, cancellationToken));
        }

        await Task.WhenAll(inFlight);
    }

    private async Task HandleAsync(byte[] buffer, IPEndPoint from, CancellationToken cancellationToken)
    {
        string reply;
        var (text, digit, error) = SeedDatagram.Parse(buffer);
        if (error is not null)
        {
            Interlocked.Increment(ref _errors);
            await errors.WriteLineAsync($"error: datagram from {from} ignored: {error}");
            reply = $"ERROR: {error}";
        }
        else
        {
            await output.WriteLineAsync($"Message from Client {digit}: {text}");
            reply = await DeliverAsync(text!, $"client{digit}", cancellationToken);
        }

        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(reply), from, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            await errors.WriteLineAsync($"warning: reply to {from} not sent: {ex.Message}");
        }
    }

    private async Task<string> DeliverAsync(string text, string member, CancellationToken cancellationToken)
    {
        try
        {
            var receipt = await client.GetGrain<IMemberGrain>(Sender).Send(GroupNames.Unicast(member), DeliveryOrder.Fifo, text);
            var found = await GroupCommands.WaitForDeliveryAsync(client, [member], receipt.MessageId, deliveryTimeout, cancellationToken);
            if (found.TryGetValue(member, out var entry))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  delivered to member {member}: log #{entry.Index}, fifo #{entry.Message.FifoSeq}, {GroupText.LatencyMs(entry):0.0} ms"));
                return $"Delivered to member {member} (log #{entry.Index}): {text}";
            }

            return $"Accepted for member {member} (send #{receipt.SendSeq}); not yet in its log, it is delivered as soon as the member answers";
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or ArgumentException or InvalidOperationException)
        {
            Interlocked.Increment(ref _errors);
            await errors.WriteLineAsync($"error: message for {member} not taken by the cluster: {ex.Message}");
            return $"ERROR: the cluster did not take the message: {ex.Message}";
        }
    }
}
