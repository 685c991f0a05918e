using System.Globalization;
using System.Text;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

/// <summary>Split and Coalesce change only how replies are cut into socket writes; a proper reader sees the same protocol.</summary>
public sealed class ReplyWriteModeTests
{
    [Fact]
    public async Task SplitWritesEveryByteSeparatelyAndRepliesStillParse()
    {
        await using var server = await TestServer.StartAsync(o => o.ReplyWrites = ReplyWriteMode.Split);
        await using var client = await server.ConnectAsync();
        var bytes = 0;
        for (var i = 0; i < 10; i++)
        {
            var (number, text) = await client.SendLineAsync();
            Assert.Equal(server.Lines[int.Parse(number, CultureInfo.InvariantCulture)], text);
            bytes += Encoding.UTF8.GetByteCount(number + "\n" + text + "\n");
        }

        await client.SendAsync(Submission.BuildAll("me@team", server.Lines));
        var reply = await client.ExpectLineAsync();
        Assert.Equal(20, Submission.ParseSuccess(reply).Correct);
        bytes += Encoding.UTF8.GetByteCount(reply + "\n");

        Assert.Equal(bytes, server.Host.SocketWrites);
    }

    [Fact]
    public async Task CoalesceJoinsPipelinedRepliesIntoFewWrites()
    {
        await using var server = await TestServer.StartAsync(o => o.ReplyWrites = ReplyWriteMode.Coalesce);
        await using var client = await server.ConnectAsync();
        await client.SendAsync(string.Concat(Enumerable.Repeat("SENDLINE\n", 50)));
        for (var i = 0; i < 50; i++)
        {
            var n = int.Parse(await client.ExpectLineAsync(), CultureInfo.InvariantCulture);
            Assert.Equal(server.Lines[n], await client.ExpectLineAsync());
        }

        Assert.InRange(server.Host.SocketWrites, 1, 10);
    }

    [Fact]
    public async Task CoalesceStillAnswersAStrictlySequentialClient()
    {
        await using var server = await TestServer.StartAsync(o => o.ReplyWrites = ReplyWriteMode.Coalesce);
        await using var client = await server.ConnectAsync();
        for (var i = 0; i < 10; i++)
        {
            var (number, text) = await client.SendLineAsync();
            Assert.Equal(server.Lines[int.Parse(number, CultureInfo.InvariantCulture)], text);
        }

        await client.SendAsync("SESSION RESET\n");
        Assert.Equal("SESSION RESET OK", await client.ExpectLineAsync());
        await client.SendAsync(Submission.BuildAll("me@team", server.Lines));
        Assert.Equal(20, Submission.ParseSuccess(await client.ExpectLineAsync()).Correct);
        Assert.Equal(12, server.Host.SocketWrites);
    }
}
