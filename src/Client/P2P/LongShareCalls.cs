using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// Sharing a big file (hashing it, or generating it) can outlast the client's call timeout. The peer goes on regardless,
/// so a timed-out call is followed by asking the peer until the file shows up in its list.
/// </summary>
internal static class LongShareCalls
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static async Task<SharedFileInfo> AwaitAsync(IPeerGrain peer, string path, Func<Task<SharedFileInfo>> call, Func<SharedFileInfo, bool> isTheOne, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (TimeoutException)
        {
            var deadline = DateTime.UtcNow + Patience;
            var normalized = Grains.P2P.SharePath.Normalize(path);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                try
                {
                    if ((await peer.ListFiles()).FirstOrDefault(f => f.Path == normalized && isTheOne(f)) is { } done)
                    {
                        return done;
                    }
                }
                catch (TimeoutException)
                {
                    // busy hashing; ask again
                }
            }

            throw new CommandFailedException($"the peer did not finish sharing '{path}' within {Patience.TotalMinutes:0} minutes");
        }
    }
}
