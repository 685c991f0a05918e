using OrleansDist.Runtime.SystemTargets;

namespace OrleansDist.Runtime.Directory;

/// <summary>The directory partition that one silo owns, called by the other silos.</summary>
public interface IRemoteGrainDirectory : ISystemTarget
{
    /// <summary>Registers an activation unless another live one is registered; returns the one that counts (first writer wins).</summary>
    Task<GrainAddress> RegisterAsync(GrainAddress address, int hopCount);

    Task<GrainAddress?> LookupAsync(GrainId grainId, int hopCount);

    /// <summary>Removes the entry only if it still points to this activation.</summary>
    Task UnregisterAsync(GrainAddress address, int hopCount);

    /// <summary>Tells a silo whose cache sent a call to the wrong place where the grain really is.</summary>
    [OrleansDist.Concurrency.OneWay]
    void UpdateCache(GrainAddress address);

    /// <summary>Points a client's observer id at its current gateway (last writer wins: the client moved).</summary>
    Task SetClientGatewayAsync(GrainAddress address, int hopCount);
}
