using System.Collections.Concurrent;

namespace OrleansDist.Runtime.GrainReferences;

/// <summary>
/// The observers a client made callable. Their ids are <c>sys.observer/{clientId}/{n}</c>: the gateway that holds
/// the client's connection is found through the directory entry <c>sys.client/{clientId}</c>.
/// </summary>
internal sealed class ObserverRegistry(string clientId)
{
    public const string ObserverType = "sys.observer";
    public const string ClientType = "sys.client";

    private readonly ConcurrentDictionary<string, IGrainObserver> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IGrainObserver, string> _byObject = new(ReferenceEqualityComparer.Instance);
    private long _next;

    public GrainId Register(IGrainObserver observer)
    {
        var key = _byObject.GetOrAdd(observer, _ => $"{clientId}/{Interlocked.Increment(ref _next)}");
        _byKey[key] = observer;
        return new GrainId(ObserverType, key);
    }

    public void Unregister(IGrainObserver observer)
    {
        if (_byObject.TryRemove(observer, out var key))
        {
            _byKey.TryRemove(key, out _);
        }
    }

    public bool TryGet(GrainId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IGrainObserver? observer)
    {
        observer = null;
        return id.Type == ObserverType && _byKey.TryGetValue(id.Key, out observer);
    }

    public static bool IsObserver(GrainId id) => id.Type == ObserverType;

    /// <summary>The client that owns an observer id.</summary>
    public static string ClientIdOf(GrainId observerId)
    {
        var slash = observerId.Key.IndexOf('/');
        return slash < 0 ? observerId.Key : observerId.Key[..slash];
    }
}
