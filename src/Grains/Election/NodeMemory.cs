using System.Collections.Concurrent;
using Dist.GrainInterfaces.Election;

namespace OrleansDist.Grains.Election;

/// <summary>
/// A node's volatile state: what the node's machine (its silo process) holds in memory. It outlives the grain's activation
/// on purpose: Orleans deactivates a grain whose directory entry lived on a silo that died, although the grain's own silo
/// is fine; the node then comes back with everything it knew (rules, election in progress, record). It dies with the
/// process, as a crashed machine's memory does: a node on a new process of its silo starts from its stored setup.
/// </summary>
internal sealed class NodeMemory
{
    private static readonly ConcurrentDictionary<string, NodeMemory> Machines = new();

    public ElectionSetup? Setup { get; set; }

    public IElectionRules? Rules { get; set; }

    public HeartbeatMonitor? Monitor { get; set; }

    public SuspectedNodes Suspected { get; set; } = new(TimeSpan.Zero);

    public List<ElectionLogEntry> Log { get; } = [];

    /// <summary>Timers the rules asked for and that have not fired: an activation that comes back sets them again.</summary>
    public List<(ElectionTimer Timer, DateTimeOffset Due)> Timers { get; } = [];

    /// <summary>Sends not yet taken nor given up, by when they started (one lost with an old activation counts until it is stale).</summary>
    public Dictionary<long, DateTimeOffset> Sending { get; } = [];

    public long NextSend { get; set; }

    public bool Crashed { get; set; }

    public bool RestartPending { get; set; }

    public int Generation { get; set; }

    public int ElectionsStarted { get; set; }

    public int MessagesSent { get; set; }

    /// <summary>The memory of node <paramref name="grainKey"/> in silo process <paramref name="siloIdentity"/>; created empty the first time.</summary>
    public static NodeMemory Of(string siloIdentity, string grainKey, out bool existed)
    {
        var key = siloIdentity + "|" + grainKey;
        existed = Machines.TryGetValue(key, out var memory);
        return memory ?? Machines.GetOrAdd(key, _ => new NodeMemory());
    }

    public static void Forget(string siloIdentity, string grainKey) => Machines.TryRemove(siloIdentity + "|" + grainKey, out _);
}
