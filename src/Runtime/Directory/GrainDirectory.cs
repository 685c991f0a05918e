using System.Collections.Concurrent;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Directory;

/// <summary>
/// The distributed grain directory: each silo owns the partition of grain ids that hash to it on the ring of active
/// silos, and caches what it looked up elsewhere. When the ring changes, silos re-register their own activations with
/// the new owners, so a partition lost with a dead silo is rebuilt from the activations that still exist.
/// </summary>
internal sealed class GrainDirectory : IRemoteGrainDirectory
{
    private const int MaxHops = 2;

    /// <summary>Past this many cached addresses the cache starts over: a lookup is cheap, unbounded memory is not.</summary>
    private const int MaxCacheSize = 200_000;
    private readonly Dictionary<GrainId, GrainAddress> _partition = [];
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _cache = new();
    private readonly SiloAddress _localSilo;
    private readonly Func<SiloAddress, IRemoteGrainDirectory> _remote;
    private volatile ConsistentRing _ring = new([]);
    private volatile ClusterMembershipSnapshot _membership = ClusterMembershipSnapshot.Empty;

    public GrainDirectory(SiloAddress localSilo, Func<SiloAddress, IRemoteGrainDirectory> remote)
    {
        _localSilo = localSilo;
        _remote = remote;
    }

    public int PartitionCount
    {
        get
        {
            lock (_partition)
            {
                return _partition.Count;
            }
        }
    }

    /// <summary>The silo that owns <paramref name="grainId"/>'s entry; ourselves while the ring is empty (first silo starting).</summary>
    public SiloAddress GetOwner(GrainId grainId) => _ring.GetOwner(grainId) ?? _localSilo;

    public bool TryGetCached(GrainId grainId, out GrainAddress address)
    {
        if (_cache.TryGetValue(grainId, out address!))
        {
            if (!_membership.IsKnownDead(address.Silo))
            {
                return true;
            }

            _cache.TryRemove(grainId, out _);
        }

        return false;
    }

    public void Invalidate(GrainId grainId) => _cache.TryRemove(grainId, out _);

    public void UpdateCache(GrainAddress address)
    {
        if (!_membership.IsKnownDead(address.Silo))
        {
            Cache(address);
        }
    }

    private void Cache(GrainAddress address)
    {
        if (_cache.Count >= MaxCacheSize)
        {
            _cache.Clear();
        }

        _cache[address.GrainId] = address;
    }

    public void InvalidateSilo(SiloAddress silo)
    {
        foreach (var (id, address) in _cache)
        {
            if (address.Silo.Equals(silo))
            {
                _cache.TryRemove(id, out _);
            }
        }
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, int hopCount)
    {
        var owner = GetOwner(address.GrainId);
        GrainAddress winner;
        if (owner.Equals(_localSilo) || hopCount >= MaxHops)
        {
            winner = RegisterLocal(address, overwrite: false);
        }
        else
        {
            winner = await _remote(owner).RegisterAsync(address, hopCount + 1).ConfigureAwait(false);
        }

        Cache(winner);
        return winner;
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, int hopCount)
    {
        var owner = GetOwner(grainId);
        GrainAddress? found;
        if (owner.Equals(_localSilo) || hopCount >= MaxHops)
        {
            lock (_partition)
            {
                found = _partition.TryGetValue(grainId, out var entry) && !_membership.IsKnownDead(entry.Silo) ? entry : null;
            }
        }
        else
        {
            found = await _remote(owner).LookupAsync(grainId, hopCount + 1).ConfigureAwait(false);
        }

        if (found is not null)
        {
            Cache(found);
        }

        return found;
    }

    public async Task UnregisterAsync(GrainAddress address, int hopCount)
    {
        if (_cache.TryGetValue(address.GrainId, out var cached) && cached == address)
        {
            _cache.TryRemove(address.GrainId, out _);
        }

        var owner = GetOwner(address.GrainId);
        if (owner.Equals(_localSilo) || hopCount >= MaxHops)
        {
            lock (_partition)
            {
                if (_partition.TryGetValue(address.GrainId, out var existing) && existing == address)
                {
                    _partition.Remove(address.GrainId);
                }
            }

            return;
        }

        await _remote(owner).UnregisterAsync(address, hopCount + 1).ConfigureAwait(false);
    }

    public async Task SetClientGatewayAsync(GrainAddress address, int hopCount)
    {
        var owner = GetOwner(address.GrainId);
        if (owner.Equals(_localSilo) || hopCount >= MaxHops)
        {
            RegisterLocal(address, overwrite: true);
            return;
        }

        await _remote(owner).SetClientGatewayAsync(address, hopCount + 1).ConfigureAwait(false);
    }

    private GrainAddress RegisterLocal(GrainAddress address, bool overwrite)
    {
        lock (_partition)
        {
            if (!overwrite && _partition.TryGetValue(address.GrainId, out var existing) && !_membership.IsKnownDead(existing.Silo))
            {
                return existing;
            }

            _partition[address.GrainId] = address;
            return address;
        }
    }

    /// <summary>
    /// Applies a new membership view. Returns the function that tells, for a grain, whether its owner changed,
    /// so the catalog can re-register its activations with their new owners.
    /// </summary>
    public Func<GrainId, bool> ApplyMembership(ClusterMembershipSnapshot snapshot)
    {
        var oldRing = _ring;
        _membership = snapshot;
        var newRing = new ConsistentRing(snapshot.ActiveSilos);
        _ring = newRing;
        lock (_partition)
        {
            foreach (var (id, address) in _partition.ToArray())
            {
                if (snapshot.IsKnownDead(address.Silo))
                {
                    _partition.Remove(id);
                }
            }
        }

        foreach (var (id, address) in _cache)
        {
            if (snapshot.IsKnownDead(address.Silo))
            {
                _cache.TryRemove(id, out _);
            }
        }

        return id => !Equals(oldRing.GetOwner(id), newRing.GetOwner(id));
    }

    /// <summary>
    /// Hands partition entries this silo no longer owns (a silo joined) to their new owners, so lookups there find them at
    /// once instead of creating a second activation before the hosts re-register.
    /// </summary>
    public void HandOffForeignEntries()
    {
        List<(SiloAddress Owner, GrainAddress Entry)> moved = [];
        lock (_partition)
        {
            foreach (var (id, entry) in _partition.ToArray())
            {
                var owner = GetOwner(id);
                if (!owner.Equals(_localSilo))
                {
                    _partition.Remove(id);
                    moved.Add((owner, entry));
                }
            }
        }

        foreach (var (owner, entry) in moved)
        {
            // MaxHops: the new owner stores it even if it has not adopted the new ring yet
            _ = _remote(owner).RegisterAsync(entry, MaxHops).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }
}
