using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Directory;

/// <summary>
/// The directory's partitioning: each active silo owns the arcs of the hash ring ending at its virtual points.
/// Every silo computes the same ring from the same membership snapshot.
/// </summary>
internal sealed class ConsistentRing
{
    private const int VirtualNodesPerSilo = 30;
    private readonly uint[] _points;
    private readonly SiloAddress[] _owners;

    public ConsistentRing(IEnumerable<SiloAddress> silos)
    {
        var points = new List<(uint Point, SiloAddress Silo)>();
        foreach (var silo in silos)
        {
            for (var i = 0; i < VirtualNodesPerSilo; i++)
            {
                points.Add((StableHash.Compute(silo.ToString(), i.ToString(System.Globalization.CultureInfo.InvariantCulture)), silo));
            }
        }

        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Silo.CompareTo(b.Silo));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Silo)];
        Silos = [.. points.Select(p => p.Silo).Distinct()];
    }

    public IReadOnlyList<SiloAddress> Silos { get; }

    public bool IsEmpty => _points.Length == 0;

    public SiloAddress? GetOwner(GrainId grainId)
    {
        if (_points.Length == 0)
        {
            return null;
        }

        var hash = grainId.GetStableHash();
        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        return _owners[index == _points.Length ? 0 : index];
    }
}
