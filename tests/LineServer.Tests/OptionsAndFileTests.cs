using System.Net;
using Microsoft.Extensions.Options;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class OptionsAndFileTests
{
    [Fact]
    public void DefaultsAreValidAndMatchTheCourseServer()
    {
        var options = new LineServerOptions();
        options.Validate();
        Assert.Equal((9801, 1000, 100.0, 100.0, 1), (options.Port, options.Lines, options.Rate, options.EffectiveBurst, options.MaxConnectionsPerIp));
    }

    [Fact]
    public void ValidateNamesEveryBadValue()
    {
        var options = new LineServerOptions { Port = 70000, BindAddress = "localhost", Lines = 0, Rate = 0, Burst = 0.5, MaxConnectionsPerIp = 0, FaultRate = 1.5, SubmitReadTimeout = TimeSpan.Zero };
        var ex = Assert.Throws<OptionsValidationException>(options.Validate);
        foreach (var name in new[] { "Port", "BindAddress", "Lines", "Rate", "Burst", "MaxConnectionsPerIp", "FaultRate", "SubmitReadTimeout" })
        {
            Assert.Contains(ex.Failures, f => f.StartsWith(name, StringComparison.Ordinal));
        }

        Assert.Throws<OptionsValidationException>(new LineServerOptions { FaultRate = 0.1, Faults = ReplyFaults.None }.Validate);
    }

    [Fact]
    public async Task GeneratedFileIsDistinctReadableAndDeterministic()
    {
        await using var a = new LineServerHost(new LineServerOptions { Lines = 2000, Seed = 11 });
        await using var b = new LineServerHost(new LineServerOptions { Lines = 2000, Seed = 11 });
        await using var c = new LineServerHost(new LineServerOptions { Lines = 2000, Seed = 12 });
        Assert.Equal(a.FileLines, b.FileLines);
        Assert.NotEqual(a.FileLines, c.FileLines);
        Assert.Equal(2000, a.FileLines.Distinct().Count());
        Assert.All(a.FileLines, l =>
        {
            Assert.InRange(l.Length, 10, 120);
            Assert.Matches("^[A-Z][a-z]+( [a-z]+)*\\.$", l);
        });
    }

    [Fact]
    public async Task FileOptionServesTheFilesLines()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lineserver-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "first line\r\nsecond line\nthird, with ünïcödé\n");
        try
        {
            await using var server = await TestServer.StartAsync(o => o.FilePath = path);
            Assert.Equal(["first line", "second line", "third, with ünïcödé"], server.Lines);
            await using var client = await server.ConnectAsync();
            await client.SendAsync(Submission.BuildAll("me@team", server.Lines));
            Assert.Equal(3, Submission.ParseSuccess(await client.ExpectLineAsync()).Correct);

            await File.WriteAllTextAsync(path, "");
            Assert.Throws<InvalidDataException>(() => new LineServerHost(new LineServerOptions { FilePath = path }));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.ThrowsAny<IOException>(() => new LineServerHost(new LineServerOptions { FilePath = path }));
    }

    [Fact]
    public async Task StartingOnATakenPortThrowsAClearError()
    {
        await using var first = await TestServer.StartAsync();
        await using var second = new LineServerHost(new LineServerOptions { Port = first.EndPoint.Port, BindAddress = "127.0.0.1" });
        var ex = await Assert.ThrowsAsync<LineServerBindException>(() => second.StartAsync());
        Assert.True(ex.AddressInUse);
        Assert.Contains("already in use", ex.Message, StringComparison.Ordinal);
        Assert.Contains(first.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopClosesOpenConnections()
    {
        var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync();
        await server.DisposeAsync();
        Assert.True(await client.WaitForServerCloseAsync());
        Assert.Equal(0, server.Host.GetSession(IPAddress.Loopback)!.OpenConnections);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("stopped", StringComparison.Ordinal));
    }
}
