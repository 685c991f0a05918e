using OrleansDist.Grains.Groups;

namespace OrleansDist.Grains.Tests.Groups;

public sealed class CoalescingWriterTests
{
    [Fact]
    public async Task ChangesMadeDuringAWriteShareOneFollowingWrite()
    {
        var gates = new List<TaskCompletionSource>();
        var writer = new CoalescingWriter(() =>
        {
            var gate = new TaskCompletionSource();
            gates.Add(gate);
            return gate.Task;
        });

        var first = writer.WriteAsync();
        var second = writer.WriteAsync();
        var third = writer.WriteAsync();
        Assert.Same(second, third);
        Assert.Single(gates);

        gates[0].SetResult();
        await first;
        await Task.Yield();
        Assert.Equal(2, gates.Count);
        Assert.False(second.IsCompleted);
        gates[1].SetResult();
        await second;
        Assert.Equal(2, writer.Writes);
    }

    [Fact]
    public async Task AFailedWriteFailsItsCallersAndTheNextWriteStillRuns()
    {
        var calls = 0;
        var firstGate = new TaskCompletionSource();
        var writer = new CoalescingWriter(() => ++calls == 1 ? firstGate.Task : Task.CompletedTask);
        var first = writer.WriteAsync();
        var second = writer.WriteAsync();
        firstGate.SetException(new InvalidOperationException("disk full"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await second;
        Assert.Equal(2, calls);
        await writer.WriteAsync();
        Assert.Equal(3, calls);
    }
}
