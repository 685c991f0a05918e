using Dist.GrainInterfaces.Groups;
using OrleansDist.Client.Groups;

namespace OrleansDist.Grains.Tests.Groups;

/// <summary>The experiment's checker catches each kind of violation (a check that cannot fail proves nothing).</summary>
public sealed class GuaranteeCheckTests
{
    private static LogEntry Entry(long index, string id, string sender, string destination, DeliveryOrder order, long fifo = 0, long total = 0) => new()
    {
        Index = index,
        Message = new GroupMessage { MessageId = id, Sender = sender, Destination = destination, Order = order, FifoSeq = fifo, TotalSeq = total },
    };

    private static readonly Dictionary<string, IReadOnlyCollection<string>> Membership = new() { ["g"] = ["a", "b"] };

    [Fact]
    public void CorrectLogsPass()
    {
        SentMessage[] sent = [new("x", "s", "g", DeliveryOrder.Total), new("y", "s", "g", DeliveryOrder.Total)];
        var logs = new Dictionary<string, IReadOnlyList<LogEntry>>
        {
            ["a"] = [Entry(1, "x", "s", "g", DeliveryOrder.Total, total: 1), Entry(2, "y", "s", "g", DeliveryOrder.Total, total: 2)],
            ["b"] = [Entry(1, "x", "s", "g", DeliveryOrder.Total, total: 1), Entry(2, "y", "s", "g", DeliveryOrder.Total, total: 2)],
        };
        var report = GroupGuaranteeCheck.Check(sent, Membership, logs);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(4, report.Deliveries);
    }

    [Fact]
    public void AGroupUsedBeforeTheMembersJoinedMayStartItsSequenceLater()
    {
        SentMessage[] sent = [new("x", "s", "g", DeliveryOrder.Total), new("y", "s", "g", DeliveryOrder.Total)];
        var logs = new Dictionary<string, IReadOnlyList<LogEntry>>
        {
            ["a"] = [Entry(1, "x", "s", "g", DeliveryOrder.Total, total: 51), Entry(2, "y", "s", "g", DeliveryOrder.Total, total: 52)],
            ["b"] = [Entry(1, "x", "s", "g", DeliveryOrder.Total, total: 51), Entry(2, "y", "s", "g", DeliveryOrder.Total, total: 53)],
        };
        var report = GroupGuaranteeCheck.Check(sent, Membership, logs);
        Assert.Equal(["b: in g, total #53 follows #51"], report.Problems);
    }

    [Fact]
    public void DifferentTotalSequencesAreCaught()
    {
        SentMessage[] sent = [new("x", "s", "g", DeliveryOrder.Total), new("y", "t", "g", DeliveryOrder.Total)];
        var logs = new Dictionary<string, IReadOnlyList<LogEntry>>
        {
            ["a"] = [Entry(1, "x", "s", "g", DeliveryOrder.Total, total: 1), Entry(2, "y", "t", "g", DeliveryOrder.Total, total: 2)],
            ["b"] = [Entry(1, "y", "t", "g", DeliveryOrder.Total, total: 2), Entry(2, "x", "s", "g", DeliveryOrder.Total, total: 1)],
        };
        var report = GroupGuaranteeCheck.Check(sent, Membership, logs);
        Assert.Contains(report.Problems, p => p.Contains("sequence differs", StringComparison.Ordinal));
        Assert.Contains("b: in g, total #1 follows #2", report.Problems);
    }

    [Fact]
    public void FifoGapsDuplicatesAndLossesAreCaught()
    {
        SentMessage[] sent = [new("x", "s", "g", DeliveryOrder.Fifo), new("y", "s", "g", DeliveryOrder.Fifo), new("z", "s", "g", DeliveryOrder.Fifo)];
        var logs = new Dictionary<string, IReadOnlyList<LogEntry>>
        {
            ["a"] = [Entry(1, "x", "s", "g", DeliveryOrder.Fifo, fifo: 1), Entry(2, "z", "s", "g", DeliveryOrder.Fifo, fifo: 3)],
            ["b"] = [Entry(1, "x", "s", "g", DeliveryOrder.Fifo, fifo: 1), Entry(2, "x", "s", "g", DeliveryOrder.Fifo, fifo: 1), Entry(3, "y", "s", "g", DeliveryOrder.Fifo, fifo: 2), Entry(4, "z", "s", "g", DeliveryOrder.Fifo, fifo: 3)],
        };
        var report = GroupGuaranteeCheck.Check(sent, Membership, logs);
        Assert.Contains("a: 1 of 3 messages missing", report.Problems);
        Assert.Contains(report.Problems, p => p.StartsWith("a: from s to g, fifo #3 where #2 was due (gap)", StringComparison.Ordinal));
        Assert.Contains("b: message x delivered twice (duplicate)", report.Problems);
        Assert.False(report.Ok);
    }

    [Fact]
    public void LatencyPercentilesUseTheNearestRank()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i));
        Assert.Equal((50.0, 99.0, 100.0, 100), (summary.P50, summary.P99, summary.Max, summary.Count));
        Assert.Equal(0, LatencySummary.Of([]).Count);
    }
}
