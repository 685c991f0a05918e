using System.Net;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class SessionTests
{
    private static readonly DateTimeOffset Start = new(2023, 8, 22, 16, 18, 22, 43, TimeSpan.Zero);

    [Fact]
    public async Task SessionIsKeyedByIpAndSurvivesReconnects()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(time: clock);
        var ip = IPAddress.Parse("127.0.0.2");

        await using (var first = await server.ConnectAsync("127.0.0.2"))
        {
            for (var i = 0; i < 3; i++)
            {
                await first.SendLineAsync();
            }
        }

        await TestServer.WaitUntilAsync(() => server.Host.GetSession(ip)!.OpenConnections == 0, "the first connection is closed");
        clock.Advance(TimeSpan.FromSeconds(1));

        await using var second = await server.ConnectAsync("127.0.0.2");
        await second.SendLineAsync();
        await second.SendLineAsync();
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await second.SendAsync(Submission.Build("aseth@col334-672", [(0, server.Lines[0])]));
        var reply = Submission.ParseSuccess(await second.ExpectLineAsync());

        Assert.Equal(5, reply.LinesSentSession);
        Assert.Equal(2, reply.LinesSentConnection);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), reply.SessionStartMs);
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 1000, reply.ConnectionStartMs);
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 1500, reply.SubmittedMs);
        Assert.Equal(1500, server.Host.Submissions.Single().ScoreMs);

        var session = server.Host.GetSession(ip)!;
        Assert.Equal(5, session.LinesSent);
        Assert.Equal(1, session.OpenConnections);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), session.StartMs);
    }

    [Fact]
    public async Task DifferentSourceAddressesAreDifferentSessions()
    {
        await using var server = await TestServer.StartAsync();
        await using var a = await server.ConnectAsync("127.0.0.2");
        await using var b = await server.ConnectAsync("127.0.0.3");
        await a.SendLineAsync();
        await a.SendLineAsync();
        await b.SendLineAsync();

        Assert.Equal(2, server.Host.GetSession(IPAddress.Parse("127.0.0.2"))!.LinesSent);
        Assert.Equal(1, server.Host.GetSession(IPAddress.Parse("127.0.0.3"))!.LinesSent);
        Assert.Null(server.Host.GetSession(IPAddress.Parse("127.0.0.4")));
        Assert.Equal(2, server.Host.GetSessions().Count);
    }

    [Fact]
    public async Task ConnectionOverThePerIpLimitGetsAnErrorAndIsClosed()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnectionsPerIp = 2);
        await using var first = await server.ConnectAsync("127.0.0.2");
        await using var second = await server.ConnectAsync("127.0.0.2");
        await first.SendLineAsync();
        await second.SendLineAsync();

        await using (var third = await server.ConnectAsync("127.0.0.2"))
        {
            // Sending at once is the worst case: unread input must not turn the close into a reset that eats the error.
            await third.SendAsync("SENDLINE\n");
            Assert.Equal("ERROR: TOO MANY CONNECTIONS FROM 127.0.0.2", await third.ExpectLineAsync());
            Assert.Null(await third.ReadLineAsync());
        }

        // Another IP is not affected, and the two accepted connections go on.
        await using var other = await server.ConnectAsync("127.0.0.3");
        await other.SendLineAsync();
        await first.SendLineAsync();
        await second.SendLineAsync();
        Assert.Equal(2, server.Host.GetSession(IPAddress.Parse("127.0.0.2"))!.OpenConnections);

        // Once one closes, the IP may connect again.
        await first.DisposeAsync();
        await TestServer.WaitUntilAsync(() => server.Host.GetSession(IPAddress.Parse("127.0.0.2"))!.OpenConnections == 1, "the server sees the close");
        await using var again = await server.ConnectAsync("127.0.0.2");
        Assert.NotEqual("", (await again.SendLineAsync()).Text);
    }

    [Fact]
    public async Task DefaultLimitIsOneConnectionPerIp()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync("127.0.0.5");
        await first.SendLineAsync();
        await using var second = await server.ConnectAsync("127.0.0.5");
        Assert.Equal("ERROR: TOO MANY CONNECTIONS FROM 127.0.0.5", await second.ExpectLineAsync());
    }

    [Fact]
    public async Task SessionResetRestartsCountersStartTimeAndForgetsTheSubmission()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(time: clock);
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync();
        await client.SendLineAsync();
        await client.SendAsync(Submission.Build("me@team", [(0, "wrong")]));
        Submission.ParseSuccess(await client.ExpectLineAsync());

        clock.Advance(TimeSpan.FromSeconds(3));
        await client.SendAsync("SESSION RESET\n");
        Assert.Equal("SESSION RESET OK", await client.ExpectLineAsync());

        var session = server.Host.GetSession(IPAddress.Loopback)!;
        Assert.Equal(0, session.LinesSent);
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 3000, session.StartMs);
        Assert.Null(session.LatestSubmission);

        await client.SendAsync("SEND INCORRECT LINES\n");
        Assert.Equal("", await client.ExpectLineAsync());

        await client.SendLineAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        await client.SendAsync(Submission.Build("me@team", [(1, server.Lines[1])]));
        var reply = Submission.ParseSuccess(await client.ExpectLineAsync());
        Assert.Equal(1, reply.LinesSentSession);
        Assert.Equal(3, reply.LinesSentConnection); // the connection's own count is not part of the session
        Assert.Equal(2000, reply.SubmittedMs - reply.SessionStartMs);
    }
}
