using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Grains.Tests.Election;

public sealed class RingRulesTests
{
    private static readonly ElectionTimings Timings = new(TimeSpan.FromMilliseconds(500));
    private static readonly int[] Ten = [.. Enumerable.Range(1, 10)];

    [Fact]
    public void TenNodesCoordinatorTenCrashedInitiatorFiveElectsNineInNineHopsEachWay()
    {
        var result = new ElectionSimulator(ElectionAlgorithm.Ring, 10, [10]).Run([5]);

        Assert.Equal(9, result.AgreedCoordinator);
        Assert.Equal(9, result.Coordinators.Count);
        Assert.Equal(9, result.Count(ElectionMessageKind.Election));
        Assert.Equal(9, result.Count(ElectionMessageKind.Coordinator));
        Assert.Equal(0, result.Count(ElectionMessageKind.Ok));
        // 5→6→7→8→9→(10 dead, skipped)→1→2→3→4→5, twice
        var hops = result.Messages.Where(m => m.Kind == ElectionMessageKind.Election).Select(m => (m.From, m.To));
        Assert.Equal([(5, 6), (6, 7), (7, 8), (8, 9), (9, 1), (1, 2), (2, 3), (3, 4), (4, 5)], hops);
        Assert.Equal([10], result.Messages.Single(m => m is { Kind: ElectionMessageKind.Election, From: 9 }).Skipped);
        Assert.All(result.Messages, m => Assert.True(m.Delivered));
    }

    [Fact]
    public void SuccessorsGoRoundTheRingFromTheNextId()
    {
        Assert.Equal([8, 9, 10, 1, 2, 3, 4, 5, 6], RingRules.Successors(7, Ten));
        Assert.Equal([1, 2], RingRules.Successors(3, [3, 1, 2]));
    }

    [Fact]
    public void EachNodeAddsItsIdAndTheInitiatorAnnouncesTheHighest()
    {
        var initiator = new RingRules(5, Ten, 10, "r", Timings);
        var start = initiator.StartElection();
        Assert.Equal([5], start.Send.Single().Message.Ids);
        Assert.Null(start.Send.Single().To);

        var six = new RingRules(6, Ten, 10, "r", Timings);
        var forwarded = six.Receive(start.Send.Single().Message).Send.Single().Message;
        Assert.Equal([5, 6], forwarded.Ids);
        Assert.Equal(6, forwarded.From);

        var back = initiator.Receive(forwarded with { Ids = [5, 6, 7, 8, 9, 1, 2, 3, 4] });
        var announce = back.Send.Single().Message;
        Assert.Equal((ElectionMessageKind.Coordinator, 9), (announce.Kind, announce.Coordinator));
        Assert.Equal(9, initiator.Coordinator);
        Assert.True(initiator.Electing);

        Assert.Empty(initiator.Receive(announce with { From = 4 }).Send);
        Assert.False(initiator.Electing);
    }

    [Fact]
    public void AMessageWhoseInitiatorDiedStopsAfterGoingRound()
    {
        var node = new RingRules(6, Ten, 10, "r", Timings);

        var step = node.Receive(new ElectionMessage("r", ElectionMessageKind.Election, 5, 3, [3, 4, 5, 6, 7], 0, 5));

        Assert.Empty(step.Send);
        Assert.Contains("dropped", step.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AloneNodeBecomesCoordinator()
    {
        var result = new ElectionSimulator(ElectionAlgorithm.Ring, 4, [1, 2, 4]).Run([3]);

        Assert.Equal(3, result.AgreedCoordinator);
        Assert.Empty(result.Messages);
    }

    [Fact]
    public void ALostMessageIsSentRoundAgainAfterTheRingTimeout()
    {
        var node = new RingRules(5, Ten, 10, "r", Timings);
        var timer = node.StartElection().Timer!;

        var again = node.OnTimer(timer);

        Assert.Single(again.Send);
        Assert.Contains("did not come back", again.Note, StringComparison.Ordinal);
    }
}
