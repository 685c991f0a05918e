using Dist.GrainInterfaces.Election;
using OrleansDist.Grains.Election;

namespace OrleansDist.Grains.Tests.Election;

public sealed class BullyRulesTests
{
    private static readonly ElectionTimings Timings = new(TimeSpan.FromMilliseconds(500));
    private static readonly int[] Ten = [.. Enumerable.Range(1, 10)];

    [Fact]
    public void TenNodesCoordinatorTenCrashedInitiatorFiveElectsNineWithTheCountsOfTheRules()
    {
        var result = new ElectionSimulator(ElectionAlgorithm.Bully, 10, [10]).Run([5]);

        Assert.Equal(9, result.AgreedCoordinator);
        Assert.Equal(9, result.Coordinators.Count);
        // 5→6..10, 6→7..10, 7→8..10, 8→9,10, 9→10
        Assert.Equal(15, result.Count(ElectionMessageKind.Election));
        // 6..9 answer 5, 7..9 answer 6, 8,9 answer 7, 9 answers 8
        Assert.Equal(10, result.Count(ElectionMessageKind.Ok));
        // 9 → 8..1
        Assert.Equal(8, result.Count(ElectionMessageKind.Coordinator));
        Assert.Equal(5, result.Messages.Count(m => !m.Delivered));
        Assert.All(result.Messages.Where(m => !m.Delivered), m => Assert.Equal(10, m.To));
    }

    [Fact]
    public void StartingSendsElectionToEveryHigherIdAndSetsTheOkTimer()
    {
        var node = new BullyRules(5, Ten, 10, "r", Timings);

        var step = node.StartElection();

        Assert.Equal([6, 7, 8, 9, 10], step.Send.Select(s => s.To!.Value));
        Assert.All(step.Send, s => Assert.Equal(ElectionMessageKind.Election, s.Message.Kind));
        Assert.Equal(ElectionTimerKind.OkTimeout, step.Timer!.Kind);
        Assert.Equal(Timings.OkWait, step.Timer.Delay);
        Assert.True(node.Electing);
        Assert.Empty(node.StartElection().Send);
    }

    [Fact]
    public void ElectionFromALowerIdIsAnsweredOkAndTakenOverOnce()
    {
        var node = new BullyRules(7, Ten, 10, "r", Timings);

        var first = node.Receive(Message(ElectionMessageKind.Election, from: 5));
        var second = node.Receive(Message(ElectionMessageKind.Election, from: 6));

        Assert.Equal([(5, ElectionMessageKind.Ok), (8, ElectionMessageKind.Election), (9, ElectionMessageKind.Election), (10, ElectionMessageKind.Election)],
            first.Send.Select(s => (s.To!.Value, s.Message.Kind)));
        Assert.Equal([(6, ElectionMessageKind.Ok)], second.Send.Select(s => (s.To!.Value, s.Message.Kind)));
    }

    [Fact]
    public void SilenceFromAboveMakesTheNodeCoordinatorAndItTellsEveryLowerId()
    {
        var node = new BullyRules(9, Ten, 10, "r", Timings);
        var timer = node.StartElection().Timer!;

        var step = node.OnTimer(timer);

        Assert.Equal(9, node.Coordinator);
        Assert.False(node.Electing);
        Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], step.Send.Select(s => s.To!.Value));
        Assert.All(step.Send, s => Assert.Equal((ElectionMessageKind.Coordinator, 9), (s.Message.Kind, s.Message.Coordinator)));
    }

    [Fact]
    public void AnOkCancelsTheOkTimeoutAndAMissingCoordinatorStartsAgain()
    {
        var node = new BullyRules(5, Ten, 10, "r", Timings);
        var okTimer = node.StartElection().Timer!;
        var wait = node.Receive(Message(ElectionMessageKind.Ok, from: 8));

        Assert.Empty(node.OnTimer(okTimer).Send);
        Assert.Equal(ElectionTimerKind.CoordinatorTimeout, wait.Timer!.Kind);
        var again = node.OnTimer(wait.Timer);
        Assert.Equal([6, 7, 8, 9, 10], again.Send.Select(s => s.To!.Value));
        Assert.Contains("no COORDINATOR", again.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void CoordinatorEndsTheElection()
    {
        var node = new BullyRules(5, Ten, 10, "r", Timings);
        var timer = node.StartElection().Timer!;
        node.Receive(Message(ElectionMessageKind.Ok, from: 9));

        node.Receive(Message(ElectionMessageKind.Coordinator, from: 9, coordinator: 9));

        Assert.Equal(9, node.Coordinator);
        Assert.False(node.Electing);
        Assert.Empty(node.OnTimer(timer).Send);
    }

    [Fact]
    public void ARecoveredHighestNodeTakesOverAtOnce()
    {
        var node = new BullyRules(10, Ten, 0, "r", Timings);

        var step = node.StartElection();

        Assert.Equal(10, node.Coordinator);
        Assert.Equal(9, step.Send.Count);
        Assert.All(step.Send, s => Assert.Equal(ElectionMessageKind.Coordinator, s.Message.Kind));
    }

    [Fact]
    public void ACoordinatorLowerThanALiveNodeIsBullied()
    {
        var node = new BullyRules(10, Ten, 9, "r", Timings);

        var step = node.Receive(Message(ElectionMessageKind.Coordinator, from: 9, coordinator: 9));

        Assert.Equal(10, node.Coordinator);
        Assert.Equal(9, step.Send.Count(s => s.Message.Kind == ElectionMessageKind.Coordinator));
    }

    [Fact]
    public void RecoveryOfTheHighestNodeAfterAnElectionTakesOneRoundOfCoordinatorMessages()
    {
        var afterCrash = new ElectionSimulator(ElectionAlgorithm.Bully, 10, []).Run([10]);

        Assert.Equal(10, afterCrash.AgreedCoordinator);
        Assert.Equal(0, afterCrash.Count(ElectionMessageKind.Election));
        Assert.Equal(9, afterCrash.Count(ElectionMessageKind.Coordinator));
    }

    private static ElectionMessage Message(ElectionMessageKind kind, int from, int coordinator = 0) => new("r", kind, from, from, [], coordinator, 0);
}
