using System.Collections.Concurrent;
using System.Net;

namespace OrleansDist.LineServer.Sessions;

/// <summary>Sessions by client IP. A session is created on the IP's first connection and lives as long as the server.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<IPAddress, ClientSession> _sessions = new();
    private readonly LineServerOptions _options;
    private readonly TimeProvider _time;

    public SessionRegistry(LineServerOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public ClientSession GetOrCreate(IPAddress address) => _sessions.GetOrAdd(Normalize(address), Create);

    public ClientSession? Find(IPAddress address) => _sessions.GetValueOrDefault(Normalize(address));

    public IReadOnlyList<ClientSession> All => [.. _sessions.Values.OrderBy(s => s.Snapshot().StartMs).ThenBy(s => s.Address.ToString(), StringComparer.Ordinal)];

    /// <summary>An IPv4 client seen through a dual-stack socket is the same client as over IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private ClientSession Create(IPAddress address)
    {
        var bucket = new TokenBucket(_options.Rate, _options.EffectiveBurst, _time);
        return new ClientSession(address, _time.GetUtcNow().ToUnixTimeMilliseconds(), bucket, CreateRandom(address));
    }

    /// <summary>
    /// With a seed, each IP gets its own generator derived from the seed and the address, so one client's sequence of lines
    /// does not depend on how other clients' requests interleave with its own.
    /// </summary>
    private Random CreateRandom(IPAddress address)
    {
        if (_options.Seed is not { } seed)
        {
            return new Random();
        }

        var hash = 2166136261u;
        foreach (var b in address.GetAddressBytes())
        {
            hash = (hash ^ b) * 16777619u;
        }

        return new Random(seed ^ (int)hash);
    }
}
