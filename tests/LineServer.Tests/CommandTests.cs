using System.Net;
using Microsoft.Extensions.Logging;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class CommandTests
{
    [Theory]
    [InlineData("HELLO")]
    [InlineData("sendline")]
    [InlineData(" SENDLINE")]
    [InlineData("")]
    [InlineData("SEND LINE")]
    public async Task AnythingElseIsAnUnknownCommandAndTheConnectionStaysOpen(string request)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync(request + "\n");
        Assert.Equal("ERROR: UNKNOWN COMMAND", await client.ExpectLineAsync());
        Assert.NotEqual("", (await client.SendLineAsync()).Text);
    }

    [Fact]
    public async Task BinaryGarbageIsAnsweredNotFatal()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i++)
        {
            garbage[i] = garbage[i] == (byte)'\n' ? (byte)'x' : garbage[i];
        }

        await client.SendAsync([.. garbage, (byte)'\n', .. "SENDLINE\n"u8]);
        Assert.Equal("ERROR: UNKNOWN COMMAND", await client.ExpectLineAsync());
        Assert.NotEqual("", await client.ExpectLineAsync());
    }

    [Fact]
    public async Task LineLongerThan64KiBClosesOnlyThatConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var good = await server.ConnectAsync("127.0.0.2");
        await using var bad = await server.ConnectAsync("127.0.0.3");
        await good.SendLineAsync();

        // No newline at all: the server must give up once 64 KiB are buffered, not wait for the line to end.
        await bad.SendAsync(new string('A', LineServerOptions.MaxRequestLineLength + 100));
        Assert.True(await bad.WaitForServerCloseAsync(), "the connection with the overlong line was not closed");
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("longer than 65536", StringComparison.Ordinal));

        Assert.NotEqual("", (await good.SendLineAsync()).Text);
        await TestServer.WaitUntilAsync(() => server.Host.GetSession(IPAddress.Parse("127.0.0.3"))!.OpenConnections == 0, "the closed connection is released");
    }

    [Fact]
    public async Task LineOfExactly64KiBIsStillRead()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync(new string('A', LineServerOptions.MaxRequestLineLength) + "\r\n");
        Assert.Equal("ERROR: UNKNOWN COMMAND", await client.ExpectLineAsync());

        await client.SendAsync(new string('A', LineServerOptions.MaxRequestLineLength + 1) + "\n");
        Assert.True(await client.WaitForServerCloseAsync());
    }

    [Fact]
    public async Task OverlongLineInsideASubmitClosesTheConnectionAfterReadingError()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync("SUBMIT\nme@team\n1\n0\n" + new string('z', LineServerOptions.MaxRequestLineLength + 10) + "\n");
        Assert.Equal("SUBMIT FAILED: me@team - READING ERROR", await client.ExpectLineAsync());
        Assert.True(await client.WaitForServerCloseAsync());
    }

    [Fact]
    public async Task ManyConcurrentClientsAreAllServed()
    {
        await using var server = await TestServer.StartAsync(o => o.Lines = 50);
        var clients = Enumerable.Range(2, 30).Select(async i =>
        {
            await using var client = await server.ConnectAsync($"127.0.1.{i}");
            for (var r = 0; r < 30; r++)
            {
                var (number, text) = await client.SendLineAsync();
                Assert.Equal(server.Lines[int.Parse(number, System.Globalization.CultureInfo.InvariantCulture)], text);
            }

            await client.SendAsync(Submission.BuildAll($"c{i}@team", server.Lines));
            Assert.Equal(50, Submission.ParseSuccess(await client.ExpectLineAsync()).Correct);
        });
        await Task.WhenAll(clients);
        Assert.Equal(30, server.Host.Submissions.Count(s => s.Success));
    }
}
