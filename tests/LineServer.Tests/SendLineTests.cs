using System.Globalization;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class SendLineTests
{
    [Fact]
    public async Task ReplyIsLineNumberThenThatLinesText()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            var (number, text) = await client.SendLineAsync();
            var n = int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.InRange(n, 0, server.Lines.Count - 1);
            Assert.Equal(server.Lines[n], text);
            seen.Add(n);
        }

        // Uniform choice over 20 lines: 200 draws miss a given line with probability (19/20)^200 ~ 3.5e-5.
        Assert.Equal(server.Lines.Count, seen.Count);
        Assert.Equal(200, server.Host.GetSession(client.LocalEndPoint.Address)!.LinesSent);
    }

    [Fact]
    public async Task NoGreetingAndCarriageReturnLineEndsAreAccepted()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        Assert.Null(await ReadWithin(client, TimeSpan.FromMilliseconds(200)));

        await client.SendAsync("SENDLINE\r\n");
        var number = int.Parse(await client.ExpectLineAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(server.Lines[number], await client.ExpectLineAsync());
    }

    [Fact]
    public async Task PipelinedRequestsGetOneReplyEachInOrder()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        // One segment carrying 50 requests: the server must not assume one request per read.
        await client.SendAsync(string.Concat(Enumerable.Repeat("SENDLINE\n", 50)) + "NOPE\n");
        for (var i = 0; i < 50; i++)
        {
            var n = int.Parse(await client.ExpectLineAsync(), CultureInfo.InvariantCulture);
            Assert.Equal(server.Lines[n], await client.ExpectLineAsync());
        }

        Assert.Equal("ERROR: UNKNOWN COMMAND", await client.ExpectLineAsync());
    }

    [Fact]
    public async Task RequestSplitIntoSingleBytesIsStillOneRequest()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        foreach (var b in "SENDLINE\n"u8.ToArray())
        {
            await client.SendAsync([b]);
            await Task.Delay(2);
        }

        var n = int.Parse(await client.ExpectLineAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(server.Lines[n], await client.ExpectLineAsync());
    }

    [Fact]
    public async Task SameSeedGivesSameFileAndSameSequencePerIp()
    {
        async Task<List<string>> Draw()
        {
            await using var server = await TestServer.StartAsync(o => o.Seed = 7);
            await using var client = await server.ConnectAsync("127.0.0.9");
            var numbers = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                numbers.Add((await client.SendLineAsync()).Number);
            }

            return [.. server.Lines, .. numbers];
        }

        Assert.Equal(await Draw(), await Draw());
    }

    private static async Task<string?> ReadWithin(LineClient client, TimeSpan wait)
    {
        try
        {
            return await client.ReadLineAsync(wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
