using System.Globalization;
using System.Net;
using OrleansDist.LineServer.Sessions;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task NotANumberReplacesTheLineNumber()
    {
        await using var server = await TestServer.StartAsync(o => { o.FaultRate = 1; o.Faults = ReplyFaults.NotANumber; });
        await using var client = await server.ConnectAsync();
        var (number, text) = await client.SendLineAsync();
        Assert.False(long.TryParse(number, out _), number);
        Assert.Contains(text, server.Lines);
        Assert.Equal(1, server.Host.GetSession(IPAddress.Loopback)!.FaultyReplies);
    }

    [Fact]
    public async Task MissingNewlineRunsTheTextIntoTheNextReply()
    {
        await using var server = await TestServer.StartAsync(o => { o.FaultRate = 1; o.Faults = ReplyFaults.MissingNewline; });
        await using var client = await server.ConnectAsync();
        await client.SendAsync("SENDLINE\n");
        var n = int.Parse(await client.ExpectLineAsync(), CultureInfo.InvariantCulture);
        await client.SendAsync("SESSION RESET\n");
        Assert.Equal(server.Lines[n] + "SESSION RESET OK", await client.ExpectLineAsync());
    }

    [Fact]
    public async Task OverlongSendsATextLineOver64KiB()
    {
        await using var server = await TestServer.StartAsync(o => { o.FaultRate = 1; o.Faults = ReplyFaults.Overlong; });
        await using var client = await server.ConnectAsync();
        var (number, text) = await client.SendLineAsync();
        var n = int.Parse(number, CultureInfo.InvariantCulture);
        Assert.True(text.Length > LineServerOptions.MaxRequestLineLength, $"only {text.Length} characters");
        Assert.StartsWith(server.Lines[n] + " " + server.Lines[n], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZeroFaultRateNeverMalforms()
    {
        await using var server = await TestServer.StartAsync(o => o.Faults = ReplyFaults.All);
        await using var client = await server.ConnectAsync();
        for (var i = 0; i < 100; i++)
        {
            var (number, text) = await client.SendLineAsync();
            Assert.Equal(server.Lines[int.Parse(number, CultureInfo.InvariantCulture)], text);
        }
    }

    [Fact]
    public void EachFaultyReplyPicksOneOfTheEnabledKinds()
    {
        var session = new ClientSession(IPAddress.Loopback, 0, new TokenBucket(1e9, 1e9, TimeProvider.System), new Random(3));
        var kinds = Enumerable.Range(0, 300).Select(_ => session.TakeLine(10, 0.5, ReplyFaults.All).Fault).ToList();
        Assert.InRange(kinds.Count(k => k == ReplyFaults.None), 100, 200);
        Assert.Contains(ReplyFaults.NotANumber, kinds);
        Assert.Contains(ReplyFaults.MissingNewline, kinds);
        Assert.Contains(ReplyFaults.Overlong, kinds);

        var onlyTwo = Enumerable.Range(0, 100).Select(_ => session.TakeLine(10, 1, ReplyFaults.NotANumber | ReplyFaults.Overlong).Fault).ToHashSet();
        Assert.Equal([ReplyFaults.NotANumber, ReplyFaults.Overlong], onlyTwo.Order());
    }
}
