using System.Net;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

/// <summary>The token bucket runs on an injected clock, so these tests decide exactly how much time passes.</summary>
public sealed class RateLimitTests
{
    private static readonly DateTimeOffset Start = new(2023, 8, 22, 16, 18, 22, 43, TimeSpan.Zero);

    [Fact]
    public async Task OverTheBucketTheReplyIsMinusOneAndAnEmptyLine()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o => o.Rate = 10, clock);
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 10; i++)
        {
            Assert.NotEqual("-1", (await client.SendLineAsync()).Number);
        }

        Assert.Equal(("-1", ""), await client.SendLineAsync());
        Assert.Equal(("-1", ""), await client.SendLineAsync());

        // 100 ms at 10 lines/s is one token.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.NotEqual("-1", (await client.SendLineAsync()).Number);
        Assert.Equal(("-1", ""), await client.SendLineAsync());

        var session = server.Host.GetSession(IPAddress.Loopback)!;
        Assert.Equal(11, session.LinesSent);
        Assert.Equal(3, session.MinusOneReplies);
    }

    [Fact]
    public async Task IdleTimeRefillsOnlyUpToTheBurst()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o => { o.Rate = 100; o.Burst = 3; }, clock);
        await using var client = await server.ConnectAsync();

        clock.Advance(TimeSpan.FromMinutes(5));
        await client.SendAsync(string.Concat(Enumerable.Repeat("SENDLINE\n", 5)));
        var numbers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            numbers.Add(await client.ExpectLineAsync());
            await client.ExpectLineAsync();
        }

        Assert.Equal(3, numbers.Count(n => n != "-1"));
        Assert.Equal(["-1", "-1"], numbers.Skip(3));
    }

    [Fact]
    public async Task EachIpHasItsOwnBucket()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o => { o.Rate = 2; }, clock);
        await using var a = await server.ConnectAsync("127.0.0.2");
        await using var b = await server.ConnectAsync("127.0.0.3");

        await a.SendLineAsync();
        await a.SendLineAsync();
        Assert.Equal("-1", (await a.SendLineAsync()).Number);
        Assert.NotEqual("-1", (await b.SendLineAsync()).Number);
    }
}
