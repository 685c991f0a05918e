using System.Net;
using Microsoft.Extensions.Logging;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

public sealed class SubmitTests
{
    private static readonly DateTimeOffset Start = new(2023, 8, 22, 16, 18, 22, 43, TimeSpan.Zero);

    [Fact]
    public async Task SuccessReplyHasTheCourseFormatWithEveryFieldRight()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o => o.Lines = 1000, clock);
        await using var client = await server.ConnectAsync("127.0.0.7");
        for (var i = 0; i < 7; i++)
        {
            await client.SendLineAsync();
        }

        clock.Advance(TimeSpan.FromMilliseconds(81_971));
        await client.SendAsync(Submission.BuildAll("aseth@col334-672", server.Lines));
        var t0 = Start.ToUnixTimeMilliseconds();
        Assert.Equal(
            $"SUBMIT SUCCESS: aseth@col334-672 - 127.0.0.7 - 1000, 0, 1000, 7, 7, 1000 - {t0}, {t0}, {t0 + 81_971}",
            await client.ExpectLineAsync());

        var record = Assert.Single(server.Host.Submissions);
        Assert.True(record.Success);
        Assert.Equal(IPAddress.Parse("127.0.0.7"), record.ClientAddress);
        Assert.Equal(81_971, record.ScoreMs);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("aseth@col334-672", StringComparison.Ordinal)
            && e.Message.Contains("1000 correct, 0 incorrect", StringComparison.Ordinal) && e.Message.Contains("81971 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PartialSubmissionIsAllowedAndTheLatestOneCounts()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        SubmitRecord? raised = null;
        server.Host.Submitted += r => raised = r;

        await client.SendAsync(Submission.Build("me@team", [(3, server.Lines[3]), (4, server.Lines[4]), (5, server.Lines[5])]));
        var first = Submission.ParseSuccess(await client.ExpectLineAsync());
        Assert.Equal((3L, 0L, 3L, 20L), (first.Correct, first.Incorrect, first.LinesRead, first.MaxLines));

        await client.SendAsync(Submission.Build("me@team", [(3, server.Lines[3]), (3, server.Lines[3]), (9, "not this"), (99, "out of range"), (-1, "negative")]));
        var second = Submission.ParseSuccess(await client.ExpectLineAsync());
        Assert.Equal((1L, 3L, 5L), (second.Correct, second.Incorrect, second.LinesRead));

        Assert.Equal(2, server.Host.Submissions.Count);
        Assert.Equal(server.Host.Submissions[^1], raised);
        var latest = server.Host.GetSession(IPAddress.Loopback)!.LatestSubmission!;
        Assert.Equal(1, latest.Correct);
    }

    [Fact]
    public async Task SubmissionLinesMayEndInCarriageReturnNewline()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync(Submission.BuildAll("me@team", server.Lines).Replace("\n", "\r\n", StringComparison.Ordinal));
        var reply = Submission.ParseSuccess(await client.ExpectLineAsync());
        Assert.Equal(20, reply.Correct);
    }

    [Fact]
    public async Task CountThatIsNotANumberFailsAndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync("SUBMIT\nme@team\nmany\n");
        Assert.Equal("SUBMIT FAILED: me@team - LINESTOREAD PARSING ERROR", await client.ExpectLineAsync());
        Assert.NotEqual("", (await client.SendLineAsync()).Text);

        await client.SendAsync("SUBMIT\nme@team\n-4\n");
        Assert.Equal("SUBMIT FAILED: me@team - LINESTOREAD PARSING ERROR", await client.ExpectLineAsync());

        var record = server.Host.Submissions[0];
        Assert.False(record.Success);
        Assert.Equal("LINESTOREAD PARSING ERROR", record.FailureReason);
    }

    [Fact]
    public async Task LineNumberThatIsNotANumberFailsAfterTheDeclaredLinesAreSkipped()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        SubmitRecord? raised = null;
        server.Host.Submitted += r => raised = r;

        // Lines after the bad number are skipped up to the declared count; SENDLINE after them is a command again.
        await client.SendAsync($"SUBMIT\nme@team\n3\n0\n{server.Lines[0]}\nseven\n{server.Lines[7]}\n2\n{server.Lines[2]}\nSENDLINE\n");
        Assert.Equal("SUBMIT FAILED: me@team - LINE NUMBER PARSING ERROR", await client.ExpectLineAsync());
        var n = int.Parse(await client.ExpectLineAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(server.Lines[n], await client.ExpectLineAsync());

        Assert.NotNull(raised);
        Assert.Equal(("LINE NUMBER PARSING ERROR", 1, 1), (raised.FailureReason, raised.Correct, raised.LinesRead));

        // A failed submission does not replace the one that counts.
        Assert.Null(server.Host.GetSession(IPAddress.Loopback)!.LatestSubmission);
    }

    [Fact]
    public async Task ClientThatHalfClosesMidSubmitGetsReadingErrorAndTheServerGoesOn()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await server.ConnectAsync("127.0.0.2"))
        {
            await client.SendAsync("SUBMIT\nme@team\n5\n0\n" + server.Lines[0] + "\n1\n");
            client.ShutdownSend();
            Assert.Equal("SUBMIT FAILED: me@team - READING ERROR", await client.ExpectLineAsync());
            Assert.Null(await client.ReadLineAsync());
        }

        var record = Assert.Single(server.Host.Submissions);
        Assert.Equal(("READING ERROR", 1), (record.FailureReason, record.LinesRead));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("READING ERROR", StringComparison.Ordinal));

        await using var other = await server.ConnectAsync("127.0.0.3");
        Assert.NotEqual("", (await other.SendLineAsync()).Text);
    }

    [Fact]
    public async Task ClientThatVanishesMidSubmitIsLoggedAsReadingError()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await server.ConnectAsync("127.0.0.2"))
        {
            await client.SendAsync("SUBMIT\nme@team\n1000\n0\n");
        }

        await TestServer.WaitUntilAsync(() => server.Host.Submissions.Count == 1, "the broken submission is recorded");
        Assert.Equal("SUBMIT FAILED: me@team - READING ERROR", server.Host.Submissions[0].Reply);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("READING ERROR", StringComparison.Ordinal));
        await TestServer.WaitUntilAsync(() => server.Host.GetSession(IPAddress.Parse("127.0.0.2"))!.OpenConnections == 0, "the connection is gone");

        await using var again = await server.ConnectAsync("127.0.0.2");
        Assert.NotEqual("", (await again.SendLineAsync()).Text);
    }

    [Fact]
    public async Task SubmitWhoseLinesStopComingTimesOutWithReadingErrorAndKeepsTheConnection()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o => o.SubmitReadTimeout = TimeSpan.FromSeconds(10), clock);
        await using var client = await server.ConnectAsync();
        await client.SendAsync("SUBMIT\nme@team\n3\n0\n" + server.Lines[0] + "\n");

        // The server may not have reached its wait yet when the clock moves: keep moving it until the reply comes.
        var reply = Task.Run(() => client.ExpectLineAsync());
        while (!reply.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(reply, Task.Delay(20));
        }

        Assert.Equal("SUBMIT FAILED: me@team - READING ERROR", await reply);
        Assert.Equal(1, server.Host.Submissions[0].LinesRead);
        Assert.NotEqual("", (await client.SendLineAsync()).Text);
    }

    [Fact]
    public async Task SendIncorrectLinesListsTheLatestSubmissionsWrongNumbers()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendAsync("SEND INCORRECT LINES\n");
        Assert.Equal("", await client.ExpectLineAsync());

        await client.SendAsync(Submission.Build("me@team", [(0, server.Lines[0]), (2, "wrong"), (50, "out of range"), (2, "wrong again"), (1, server.Lines[1])]));
        Submission.ParseSuccess(await client.ExpectLineAsync());
        await client.SendAsync("SEND INCORRECT LINES\n");
        Assert.Equal("2", await client.ExpectLineAsync());
        Assert.Equal("50", await client.ExpectLineAsync());
        Assert.Equal("", await client.ExpectLineAsync());

        // The list belongs to the IP's session, not to the connection.
        await client.DisposeAsync();
        await TestServer.WaitUntilAsync(() => server.Host.GetSession(IPAddress.Loopback)!.OpenConnections == 0, "the connection is closed");
        await using var again = await server.ConnectAsync();
        await again.SendAsync("SEND INCORRECT LINES\n");
        Assert.Equal("2", await again.ExpectLineAsync());
    }
}
