using System.Net;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// The source address of each fetcher's connection. The line server keys sessions (and their rate limit) by client
/// address, so fetchers only add speed when each has its own: on one host that means distinct 127.0.0.x loopback
/// addresses (all of 127.0.0.0/8 is loopback on Linux); across machines, each machine's own address.
/// </summary>
public static class SourceAddressPlan
{
    /// <summary>First loopback source address handed out: 127.0.0.1 is left to everything else on the host.</summary>
    public const int FirstLoopbackHost = 10;

    /// <summary>The most fetchers that can get distinct loopback addresses (127.0.0.10 … 127.0.0.254).</summary>
    public const int MaxLoopbackFetchers = 255 - FirstLoopbackHost;

    /// <summary>The address fetcher <paramref name="index"/> binds to; null = let the operating system choose.</summary>
    public static string? For(int index, IReadOnlyList<string> explicitAddresses, bool serverIsLoopback)
    {
        if (explicitAddresses.Count > 0)
        {
            return explicitAddresses[index % explicitAddresses.Count];
        }

        if (serverIsLoopback)
        {
            if (index >= MaxLoopbackFetchers)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"at most {MaxLoopbackFetchers} fetchers get distinct loopback addresses");
            }

            return $"127.0.0.{FirstLoopbackHost + index}";
        }

        return null;
    }

    /// <summary>Checks user-given source addresses: each must be an IP address.</summary>
    public static string? Validate(IReadOnlyList<string> explicitAddresses)
    {
        foreach (var address in explicitAddresses)
        {
            if (!IPAddress.TryParse(address, out _))
            {
                return $"source address '{address}' is not an IP address";
            }
        }

        return null;
    }
}
