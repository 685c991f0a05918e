using Dist.GrainInterfaces.Groups;
using OrleansDist.Grains.Groups;

namespace OrleansDist.Grains.Tests.Groups;

/// <summary>The ordering logic on its own: hold-back queues, the receiver's inbox, the group's outbox and sequencer, the sender's numbering.</summary>
public sealed class OrderingTests
{
    private static GroupMessage Msg(string id, string sender, string destination, DeliveryOrder order, long fifo = 0, long total = 0) =>
        new() { MessageId = id, Sender = sender, Destination = destination, Order = order, FifoSeq = fifo, TotalSeq = total, Text = id };

    private static DeliveryBatch Batch(string destination, int epoch, params GroupMessage[] messages) =>
        new() { Destination = destination, Epoch = epoch, Messages = [.. messages] };

    [Fact]
    public void HoldBackDeliversInOrderAndHoldsLaterOnesUntilTheGapFills()
    {
        var queue = new SequenceHoldBack(1);
        Assert.Empty(queue.Offer(3, Msg("c", "s", "g", DeliveryOrder.Fifo, 3)));
        Assert.Empty(queue.Offer(2, Msg("b", "s", "g", DeliveryOrder.Fifo, 2)));
        Assert.Equal(2, queue.HeldCount);
        Assert.Equal(["a", "b", "c"], queue.Offer(1, Msg("a", "s", "g", DeliveryOrder.Fifo, 1)).Select(m => m.MessageId));
        Assert.Equal(4, queue.NextExpected);
        Assert.Empty(queue.Offer(2, Msg("b", "s", "g", DeliveryOrder.Fifo, 2)));
        Assert.Equal(0, queue.HeldCount);
    }

    [Fact]
    public void HoldBackKeepsTheFirstOfTwoMessagesWithTheSameNumber()
    {
        var queue = new SequenceHoldBack(5);
        Assert.Empty(queue.Offer(6, Msg("x", "s", "g", DeliveryOrder.Total, total: 6)));
        Assert.Empty(queue.Offer(6, Msg("y", "s", "g", DeliveryOrder.Total, total: 6)));
        Assert.Equal(["w", "x"], queue.Offer(5, Msg("w", "s", "g", DeliveryOrder.Total, total: 5)).Select(m => m.MessageId));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceHoldBack(0));
    }

    [Fact]
    public void InboxDeliversFifoPerSenderIndependently()
    {
        var inbox = new MemberInbox(new InboxState(), []);
        var out1 = inbox.Receive(Batch("g", 1, Msg("a2", "a", "g", DeliveryOrder.Fifo, 2), Msg("b1", "b", "g", DeliveryOrder.Fifo, 1)));
        Assert.Equal(["b1"], out1.Select(m => m.MessageId));
        Assert.Equal(1, inbox.HeldBackCount);
        var out2 = inbox.Receive(Batch("g", 1, Msg("a1", "a", "g", DeliveryOrder.Fifo, 1)));
        Assert.Equal(["a1", "a2"], out2.Select(m => m.MessageId));
        Assert.Equal(0, inbox.HeldBackCount);
    }

    [Fact]
    public void InboxDropsDuplicatesByIdAndBySequenceNumber()
    {
        var inbox = new MemberInbox(new InboxState(), ["old"]);
        Assert.Empty(inbox.Receive(Batch("g", 1, Msg("old", "a", "g", DeliveryOrder.None))));
        Assert.Single(inbox.Receive(Batch("g", 1, Msg("n1", "a", "g", DeliveryOrder.None))));
        Assert.Empty(inbox.Receive(Batch("g", 1, Msg("n1", "a", "g", DeliveryOrder.None))));
        Assert.Single(inbox.Receive(Batch("g", 1, Msg("t1", "a", "g", DeliveryOrder.Total, total: 1))));
        // a retry of the same position under another id (cannot happen with one sequencer, but must not deliver twice)
        Assert.Empty(inbox.Receive(Batch("g", 1, Msg("t1-again", "a", "g", DeliveryOrder.Total, total: 1))));
    }

    [Fact]
    public void InboxStartsTotalAndFifoWhereTheMemberJoined()
    {
        var inbox = new MemberInbox(new InboxState(), []);
        var batch = Batch("g", 3, Msg("t8", "a", "g", DeliveryOrder.Total, total: 8), Msg("f5", "a", "g", DeliveryOrder.Fifo, 5), Msg("c1", "c", "g", DeliveryOrder.Fifo, 1));
        batch.JoinedAtTotalSeq = 7;
        batch.JoinedAtFifoSeqs = new Dictionary<string, long> { ["a"] = 4 };
        Assert.Equal(["t8", "f5", "c1"], inbox.Receive(batch).Select(m => m.MessageId));
    }

    [Fact]
    public void InboxIgnoresAnOldEpochAndANewEpochRestartsTheSequences()
    {
        var inbox = new MemberInbox(new InboxState(), []);
        Assert.Empty(inbox.Receive(Batch("g", 2, Msg("t3", "a", "g", DeliveryOrder.Total, total: 3))));
        Assert.Equal(1, inbox.HeldBackCount);
        Assert.Empty(inbox.Receive(Batch("g", 1, Msg("t1", "a", "g", DeliveryOrder.Total, total: 1))));
        var rejoined = Batch("g", 3, Msg("t10", "a", "g", DeliveryOrder.Total, total: 10));
        rejoined.JoinedAtTotalSeq = 9;
        Assert.Equal(["t10"], inbox.Receive(rejoined).Select(m => m.MessageId));
        Assert.Equal(0, inbox.HeldBackCount);
    }

    [Fact]
    public void InboxRestoredFromItsStateStillHoldsBackAndCompletes()
    {
        var state = new InboxState();
        var first = new MemberInbox(state, []);
        Assert.Single(first.Receive(Batch("g", 1, Msg("t1", "a", "g", DeliveryOrder.Total, total: 1))));
        Assert.Empty(first.Receive(Batch("g", 1, Msg("t3", "a", "g", DeliveryOrder.Total, total: 3))));

        var restored = new MemberInbox(state, ["t1"]);
        Assert.Equal(1, restored.HeldBackCount);
        Assert.Equal(["t2", "t3"], restored.Receive(Batch("g", 1, Msg("t2", "a", "g", DeliveryOrder.Total, total: 2))).Select(m => m.MessageId));
    }

    [Fact]
    public void OutboxAcceptsEachSendOnceAndInOrderAndNumbersTotalMessages()
    {
        var outbox = new GroupOutbox(new GroupState { Exists = true });
        outbox.Join("m1");
        var m1 = Msg("x1", "s", "g", DeliveryOrder.Total);
        m1.SendSeq = 1;
        var m3 = Msg("x3", "s", "g", DeliveryOrder.None);
        m3.SendSeq = 3;
        Assert.Equal(MulticastOutcome.Accepted, outbox.Accept(m1).Outcome);
        Assert.Equal(1, m1.TotalSeq);
        Assert.Equal(MulticastOutcome.Duplicate, outbox.Accept(m1).Outcome);
        var gap = outbox.Accept(m3);
        Assert.Equal(MulticastOutcome.OutOfOrder, gap.Outcome);
        Assert.Equal(2, gap.ExpectedSendSeq);
        var m2 = Msg("x2", "s", "g", DeliveryOrder.Total);
        m2.SendSeq = 2;
        Assert.Equal(2, outbox.Accept(m2).TotalSeq);
        Assert.Equal(MulticastOutcome.Accepted, outbox.Accept(m3).Outcome);
        Assert.Equal(3, outbox.State.LastIndex);
    }

    [Fact]
    public void OutboxKeepsAMessageUntilEveryMemberAcknowledgedItAndAJoinerGetsOnlyLaterOnes()
    {
        var outbox = new GroupOutbox(new GroupState { Exists = true });
        outbox.Join("m1");
        outbox.Join("m2");
        for (var i = 1; i <= 5; i++)
        {
            var m = Msg($"x{i}", "s", "g", DeliveryOrder.Fifo, fifo: i);
            m.SendSeq = i;
            outbox.Accept(m);
        }

        outbox.Join("late");
        Assert.Null(outbox.Next("g", "late", 10));
        var (batch, last) = outbox.Next("g", "m1", 3)!.Value;
        Assert.Equal(["x1", "x2", "x3"], batch.Messages.Select(m => m.MessageId));
        outbox.Acknowledge("m1", batch.Epoch, last);
        Assert.Equal(0, outbox.Trim());
        Assert.Equal(["x4", "x5"], outbox.Next("g", "m1", 10)!.Value.Batch.Messages.Select(m => m.MessageId));
        var (all, lastAll) = outbox.Next("g", "m2", 10)!.Value;
        outbox.Acknowledge("m2", all.Epoch, lastAll);
        Assert.Equal(3, outbox.Trim());
        Assert.Equal(2, outbox.PendingDeliveries);
        Assert.Equal(["m1"], outbox.MembersBehind());
        Assert.Equal(5, outbox.State.Members["late"].JoinedAtFifoSeqs["s"]);

        // an acknowledgement from a membership that ended changes nothing
        outbox.Leave("m1");
        outbox.Join("m1");
        outbox.Acknowledge("m1", batch.Epoch, 5);
        Assert.Null(outbox.Next("g", "m1", 10));
        Assert.Equal(2, outbox.Trim());
    }

    [Fact]
    public void SenderNumbersSendsPerDestinationAndFifoOnlyForFifoSends()
    {
        var sender = new SenderOutbox(new SenderState());
        var a = sender.Add("a", "me", "g", DeliveryOrder.Fifo, "t", 0, null);
        var b = sender.Add("b", "me", "g", DeliveryOrder.None, "t", 0, null);
        var c = sender.Add("c", "me", "g", DeliveryOrder.Fifo, "t", 0, null);
        var d = sender.Add("d", "me", "h", DeliveryOrder.Fifo, "t", 0, null);
        Assert.Equal([1L, 2, 3, 1], new[] { a, b, c, d }.Select(m => m.SendSeq));
        Assert.Equal([1L, 0, 2, 1], new[] { a, b, c, d }.Select(m => m.FifoSeq));
        sender.Accepted(a);
        Assert.Equal(["b", "c", "d"], sender.ToHandOver().Select(m => m.MessageId));
    }

    [Theory]
    [InlineData("all", null)]
    [InlineData("member:client1", null)]
    [InlineData("g-1.x", null)]
    [InlineData("member:", "member name must be 1-100 characters")]
    [InlineData("bad name", "group name 'bad name' may only hold letters, digits, '.', '_' and '-'")]
    public void DestinationNamesAreChecked(string destination, string? error) => Assert.Equal(error, GroupNames.CheckDestination(destination));
}
