using Dist.GrainInterfaces.Servers;
using OrleansDist.Client.Servers;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Grains.Tests.Servers;

/// <summary>
/// The actor front end's pool of session grains, seen through the spans of the session grains: a connection that ended
/// leaves its session to the next connection (which counts its tasks from 0 again), unless the server runs with a new
/// session per connection. One silo, so that both connections reach the same front end.
/// </summary>
public sealed class ActorSessionPoolTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASecondConnection_GetsTheFirstOnesSessionGrain_OnlyWhenSessionsArePooled(bool reuseSessions)
    {
        using var collector = new ActivityCollector(ServersTelemetry.SourceName);
        await using var server = await TaskServers.StartAsync(new ServerRunSettings
        {
            Design = ServerDesign.Actor,
            TaskDuration = TimeSpan.FromMilliseconds(20),
            Work = ServerWorkKind.Io,
            Silos = 1,
            ReuseSessions = reuseSessions,
        }, CancellationToken.None);
        Assert.Contains(reuseSessions ? "session-grains=pooled" : "session-grains=per-connection", TaskServers.ReadyLine(server), StringComparison.Ordinal);
        var marker = Guid.NewGuid().ToString("N");

        await ServeOneClientAsync(server.Port, $"{marker} first", tasks: 2);
        await ServeOneClientAsync(server.Port, $"{marker} second", tasks: 3);

        var ours = collector.Activities.Where(s => s.OperationName == "server task" && (s.GetTagItem("orleansdist.task") as string)?.StartsWith(marker, StringComparison.Ordinal) == true).ToList();
        var first = ours.Where(s => ((string)s.GetTagItem("orleansdist.task")!).Contains(" first ", StringComparison.Ordinal)).ToList();
        var second = ours.Except(first).ToList();
        Assert.Equal(2, first.Count);
        Assert.Equal(3, second.Count);
        Assert.Equal([0, 1], first.Select(s => (int)s.GetTagItem("orleansdist.task_index")!).Order());
        Assert.Equal([0, 1, 2], second.Select(s => (int)s.GetTagItem("orleansdist.task_index")!).Order());
        var firstSession = Assert.Single(first.Select(s => s.GetTagItem("orleansdist.session")).Distinct());
        var secondSession = Assert.Single(second.Select(s => s.GetTagItem("orleansdist.session")).Distinct());
        Assert.NotEqual(Assert.Single(first.Select(s => s.GetTagItem("orleansdist.connection")).Distinct()),
            Assert.Single(second.Select(s => s.GetTagItem("orleansdist.connection")).Distinct()));
        if (reuseSessions)
        {
            Assert.Equal(firstSession, secondSession);
        }
        else
        {
            Assert.NotEqual(firstSession, secondSession);
        }
    }

    private static async Task ServeOneClientAsync(int port, string text, int tasks)
    {
        using var client = await LineClient.ConnectAsync(port);
        for (var i = 0; i < tasks; i++)
        {
            await client.SendLineAsync($"{text} {i}");
            Assert.Equal(TaskProtocol.Reply($"{text} {i}"), await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
        }

        await client.SendLineAsync("exit");
        Assert.Equal("Goodbye!", await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
        // the server closes the socket only after its front end has put the session back in the pool
        Assert.Null(await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
    }
}
