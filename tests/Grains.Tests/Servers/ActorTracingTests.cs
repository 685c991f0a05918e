using Dist.GrainInterfaces.Servers;
using OrleansDist.Client.Servers;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Grains.Tests.Servers;

public sealed class ActorTracingTests
{
    [Fact]
    public async Task TheActorDesign_MakesOneSpanPerTask_InTheSessionGrain()
    {
        using var collector = new ActivityCollector(ServersTelemetry.SourceName);
        await using var server = await TaskServers.StartAsync(new ServerRunSettings
        {
            Design = ServerDesign.Actor,
            TaskDuration = TimeSpan.FromMilliseconds(50),
            Work = ServerWorkKind.Io,
        }, CancellationToken.None);
        var marker = Guid.NewGuid().ToString("N");

        using (var client = await LineClient.ConnectAsync(server.Port))
        {
            for (var i = 0; i < 3; i++)
            {
                await client.SendLineAsync($"{marker} {i}");
                Assert.NotNull(await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
            }

            await client.SendLineAsync("exit");
            Assert.Equal("Goodbye!", await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
        }

        var tasks = collector.Activities.Where(s => s.OperationName == "server task" && (s.GetTagItem("orleansdist.task") as string)?.StartsWith(marker, StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, tasks.Count);
        Assert.Single(tasks.Select(s => s.GetTagItem("orleansdist.session")).Distinct());
        Assert.Equal([0, 1, 2], tasks.Select(s => (int)s.GetTagItem("orleansdist.task_index")!).Order());
        Assert.All(tasks, s => Assert.True(s.Duration >= TimeSpan.FromMilliseconds(45), $"span lasted {s.Duration}"));
    }
}
