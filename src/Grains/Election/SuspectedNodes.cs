namespace OrleansDist.Grains.Election;

/// <summary>
/// Ring: the successors a node found dead. Once one did not take a message, the next messages skip it at once instead of
/// waiting out the timeout again; any sign of life (a message from it, or its id in a message's collected ids) clears it,
/// and so does time (<see cref="Lifetime"/>), so a recovered node rejoins the ring.
/// </summary>
public sealed class SuspectedNodes(TimeSpan lifetime)
{
    private readonly Dictionary<int, DateTimeOffset> _since = [];

    public TimeSpan Lifetime { get; } = lifetime;

    public void Suspect(int node, DateTimeOffset now) => _since[node] = now;

    public bool IsSuspected(int node, DateTimeOffset now)
    {
        if (!_since.TryGetValue(node, out var since))
        {
            return false;
        }

        if (now - since < Lifetime)
        {
            return true;
        }

        _since.Remove(node);
        return false;
    }

    /// <summary>These nodes showed they are alive.</summary>
    public void Alive(IEnumerable<int> nodes)
    {
        foreach (var node in nodes)
        {
            _since.Remove(node);
        }
    }
}
