using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// Subscribes to the tracker's pushes (an Orleans observer) and hands each newer list on. It resubscribes every few
/// seconds (the tracker forgets silent observers, and a tracker reactivated on another silo knows none) and, between
/// pushes, also asks for the list, so a push lost with a dying silo is made up for.
/// </summary>
internal static class PeerWatcher
{
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(5);

    public static async Task WatchAsync(IClusterClient client, ITrackerGrain tracker, long seenVersion, Action<PeerList> onChange, CancellationToken cancellationToken)
    {
        var receiver = new Receiver();
        var reference = client.CreateObjectReference<IPeerListObserver>(receiver);
        var last = seenVersion;
        try
        {
            var nextRenew = DateTime.MinValue;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= nextRenew)
                {
                    try
                    {
                        await tracker.Subscribe(reference);
                        receiver.Offer(await tracker.GetPeers());
                    }
                    catch (Exception ex) when (ex is OrleansException or TimeoutException)
                    {
                        // the tracker's silo may be going; try again soon
                    }

                    nextRenew = DateTime.UtcNow + Renew;
                }

                var list = await receiver.NextAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
                if (list is not null && (list.Version != last))
                {
                    // any other version is news; a lower one means a new tracker activation started counting again
                    last = list.Version;
                    onChange(list);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await tracker.Unsubscribe(reference);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
            }

            client.DeleteObjectReference<IPeerListObserver>(reference);
        }
    }

    private sealed class Receiver : IPeerListObserver
    {
        private readonly System.Threading.Channels.Channel<PeerList> _lists = System.Threading.Channels.Channel.CreateUnbounded<PeerList>();

        public Task PeersChanged(PeerList peers)
        {
            _lists.Writer.TryWrite(peers);
            return Task.CompletedTask;
        }

        public void Offer(PeerList peers) => _lists.Writer.TryWrite(peers);

        public async Task<PeerList?> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(timeout);
            try
            {
                return await _lists.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
