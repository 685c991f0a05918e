using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Grains.Tests.Election;

/// <summary>The rules alone, over many crash sets and 1-3 concurrent initiators: every live node ends with the highest live id.</summary>
public sealed class ElectionAgreementTests
{
    [Theory]
    [InlineData(ElectionAlgorithm.Bully)]
    [InlineData(ElectionAlgorithm.Ring)]
    public void ConcurrentInitiatorsAlwaysAgreeOnTheHighestLiveNode(ElectionAlgorithm algorithm)
    {
        var random = new Random(12);
        for (var run = 0; run < 500; run++)
        {
            var nodes = random.Next(2, 12);
            var crashed = new HashSet<int> { nodes };
            var extra = random.Next(0, nodes - 1);
            while (crashed.Count < extra + 1)
            {
                crashed.Add(random.Next(1, nodes));
            }

            var live = Enumerable.Range(1, nodes).Where(i => !crashed.Contains(i)).ToArray();
            var initiators = live.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(3, live.Length) + 1)).ToArray();

            var result = new ElectionSimulator(algorithm, nodes, crashed).Run(initiators);

            Assert.True(result.AgreedCoordinator == live.Max(),
                $"{algorithm} run {run}: {nodes} nodes, crashed [{string.Join(",", crashed)}], initiators [{string.Join(",", initiators)}]: "
                + string.Join(", ", result.Coordinators.Select(c => $"{c.Key}→{c.Value}")));
        }
    }

    [Fact]
    public void HeartbeatMonitorSuspectsAfterTheMissLimitInARow()
    {
        var monitor = new HeartbeatMonitor(3);

        Assert.False(monitor.Missed());
        Assert.False(monitor.Missed());
        monitor.Answered();
        Assert.False(monitor.Missed());
        Assert.False(monitor.Missed());
        Assert.True(monitor.Missed());
        Assert.Equal(0, monitor.Misses);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatMonitor(0));
    }

    [Fact]
    public void PlacementSpreadsNodesAndIsolatesTheOneToKill()
    {
        string[] silos = ["a", "b", "c"];

        var spread = ElectionPlacementPlan.Assign(10, silos, null);
        Assert.Equal([4, 3, 3], silos.Select(s => spread.Count(p => p.Value == s)));

        var isolated = ElectionPlacementPlan.Assign(10, silos, 10);
        Assert.Equal("c", isolated[10]);
        Assert.Equal([10], isolated.Where(p => p.Value == "c").Select(p => p.Key));
        Assert.Equal(9, isolated.Count(p => p.Value is "a" or "b"));

        Assert.Throws<ArgumentException>(() => ElectionPlacementPlan.Assign(10, ["a"], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElectionPlacementPlan.Assign(10, silos, 11));
    }

    [Fact]
    public void ASuspectedSuccessorIsSkippedUntilItShowsLifeOrTheSuspicionExpires()
    {
        var suspected = new SuspectedNodes(TimeSpan.FromSeconds(5));
        var t0 = DateTimeOffset.UnixEpoch;

        suspected.Suspect(10, t0);
        Assert.True(suspected.IsSuspected(10, t0.AddSeconds(4)));
        Assert.False(suspected.IsSuspected(10, t0.AddSeconds(5)));

        suspected.Suspect(10, t0);
        suspected.Alive([1, 10]);
        Assert.False(suspected.IsSuspected(10, t0));
    }
}
