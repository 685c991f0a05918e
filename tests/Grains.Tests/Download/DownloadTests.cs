using Dist.GrainInterfaces.LineDownload;
using OrleansDist.LineServer;

namespace OrleansDist.Grains.Tests.Download;

/// <summary>
/// Whole downloads on an in-process Orleans cluster (<see cref="OrleansDist.Hosting.EmbeddedCluster"/>: real TCP between the
/// silos) against the line server emulator over real TCP.
/// </summary>
public sealed class DownloadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Fetchers_on_both_silos_download_the_whole_file_and_the_server_counts_every_line_correct()
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 200, Rate = 500, Burst = 20 });
        var start = await harness.Collection("plain").Start(harness.Request(fetchers: 4, lines: 200));
        Assert.Equal(DownloadPhase.Downloading, start.Phase);

        var status = await harness.WaitForEndAsync("plain", Timeout);

        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        Assert.Equal(200, status.Collected);
        Assert.True(status.Submit!.Success, status.Submit.Reply);
        Assert.Equal(200, status.Submit.Correct);
        Assert.Equal(0, status.Submit.Incorrect);
        var submission = harness.AssertServerAccepted(200);
        Assert.Equal("127.0.0.10", submission.ClientAddress.ToString());
        Assert.Equal(2, status.Fetchers.Select(f => f.Silo).Distinct().Count());
        Assert.Equal(["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"], status.Fetchers.Select(f => f.SourceAddress));
        Assert.Equal(200, status.Fetchers.Sum(f => f.NewLines));
        Assert.All(status.Fetchers, f => Assert.True(f.Requests > 0));

        // a bucket of 20 lines per session: every fetcher met a -1 and counted its draws after it, and only those
        Assert.All(status.Fetchers, f =>
        {
            Assert.True(f.MinusOneReplies > 0 && f.ThrottledDraws > 0 && f.ThrottledMicroseconds > 0, $"fetcher {f.Index}: {f}");
            Assert.True(f.ThrottledDraws < f.LinesReceived, $"fetcher {f.Index}: {f.ThrottledDraws} throttled of {f.LinesReceived} draws");
        });

        // every session the server saw is one of the fetchers' own addresses
        Assert.Equal(4, harness.Server.GetSessions().Count);

        // the collected text is the server's file, line for line, and each line arrived once
        var lines = await harness.Collection("plain").GetLines();
        Assert.Equal(harness.Server.FileLines, lines.OrderBy(l => l.Number).Select(l => l.Text));
        Assert.Equal(200, (await harness.Collection("plain").GetTimeline()).Length);
    }

    [Fact]
    public async Task Fetchers_stop_asking_for_lines_once_the_collection_is_complete()
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 100, Rate = 2000 });
        await harness.Collection("stop").Start(harness.Request(fetchers: 3, lines: 100));
        var status = await harness.WaitForEndAsync("stop", Timeout);
        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");

        var sent = harness.Server.GetSessions().Sum(s => s.LinesSent + s.MinusOneReplies);
        await Task.Delay(1500);
        Assert.Equal(sent, harness.Server.GetSessions().Sum(s => s.LinesSent + s.MinusOneReplies));
        Assert.All(harness.Server.GetSessions(), s => Assert.Equal(0, s.OpenConnections));
    }

    [Theory]
    [InlineData(ReplyWriteMode.Split)]
    [InlineData(ReplyWriteMode.Coalesce)]
    public async Task Replies_split_into_single_bytes_or_coalesced_give_the_same_file(ReplyWriteMode mode)
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 150, Rate = 1000, ReplyWrites = mode });
        await harness.Collection("writes").Start(harness.Request(fetchers: 2, lines: 150));
        var status = await harness.WaitForEndAsync("writes", Timeout);

        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        harness.AssertServerAccepted(150);
        Assert.Equal(0, status.Fetchers.Sum(f => f.MalformedReplies));
    }

    [Theory]
    [InlineData(ReplyFaults.NotANumber)]
    [InlineData(ReplyFaults.MissingNewline)]
    [InlineData(ReplyFaults.Overlong)]
    public async Task Malformed_replies_make_the_fetcher_reconnect_and_never_corrupt_the_collection(ReplyFaults fault)
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 150, Rate = 2000, FaultRate = 0.02, Faults = fault });
        await harness.Collection("faults").Start(harness.Request(fetchers: 2, lines: 150));
        var status = await harness.WaitForEndAsync("faults", Timeout);

        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        harness.AssertServerAccepted(150);
        Assert.True(status.Fetchers.Sum(f => f.MalformedReplies) > 0, "the server injected faults, yet no fetcher saw one");
        Assert.True(status.Fetchers.Sum(f => f.Reconnects) > 0);
        Assert.Equal(harness.Server.FileLines, (await harness.Collection("faults").GetLines()).Select(l => l.Text));
    }

    [Fact]
    public async Task An_unreachable_line_server_is_reported_and_retried_until_the_download_gives_up()
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 10 });
        var request = harness.Request(fetchers: 2, lines: 10) with { Server = "127.0.0.1:1", ServerUnreachableTimeoutMs = 3000 };
        await harness.Collection("unreachable").Start(request);

        string? fetcherError = null;
        var status = await harness.WaitForEndAsync("unreachable", Timeout, s =>
        {
            fetcherError ??= s.Fetchers.Select(f => f.LastError).FirstOrDefault(e => e is not null);
            return Task.CompletedTask;
        });

        Assert.Equal(DownloadPhase.Failed, status.Phase);
        Assert.Contains("no fetcher could reach the line server 127.0.0.1:1", status.Error);
        Assert.NotNull(fetcherError);
        Assert.Contains("cannot connect to 127.0.0.1:1", fetcherError);
    }

    [Fact]
    public async Task A_bad_request_is_refused_with_a_clear_message_and_starts_nothing()
    {
        await using var harness = await DownloadHarness.StartAsync(1, new LineServerOptions { Lines = 10 });
        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.Collection("bad").Start(harness.Request(fetchers: 0, lines: 10)));
        Assert.Contains("fetchers must be between 1 and", error.Message);
        error = await Assert.ThrowsAnyAsync<Exception>(() => harness.Collection("bad2").Start(harness.Request(2, 10) with { Server = "no-port" }));
        Assert.Contains("is not host:port", error.Message);
        Assert.Equal(DownloadPhase.NotStarted, (await harness.Collection("bad").GetStatus()).Phase);
        Assert.Empty(harness.Server.GetSessions());
    }

    [Fact]
    public async Task Stopping_the_silo_of_the_collection_mid_download_loses_no_line_and_adds_none_twice()
    {
        // An in-process host stop (EmbeddedCluster.StopSiloAsync: a cancelled StopAsync), not a crash; the SIGKILL
        // variant is in tests/Cluster.Tests. The state is in SQLite, so it outlives the stopped silo.
        await using var harness = await DownloadHarness.StartAsync(3, new LineServerOptions { Lines = 300, Rate = 150 }, durableStorage: true);
        // silo0 is the primary (development clustering keeps the membership table there): the collection starts on silo1
        var start = await harness.StartOnSiloAsync("stop", harness.Request(fetchers: 3, lines: 300), "silo1");
        Assert.Equal("silo1", start.CollectionSilo);

        string? stopped = null;
        var collectedAtStop = 0;
        var status = await harness.WaitForEndAsync("stop", Timeout, async s =>
        {
            if (stopped is null && s.Collected >= 100)
            {
                stopped = s.CollectionSilo;
                collectedAtStop = s.Collected;
                await harness.StopSiloAsync(stopped);
            }
        });

        Assert.Equal("silo1", stopped);
        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        harness.AssertServerAccepted(300);
        Assert.NotEqual(stopped, status.CollectionSilo);
        Assert.DoesNotContain(stopped, harness.RunningSilos);
        var timeline = await harness.Collection("stop").GetTimeline();
        Assert.Equal(300, timeline.Length);
        Assert.True(collectedAtStop is >= 100 and < 300, $"stopped at {collectedAtStop} lines: the stop came too late to mean anything");
        Assert.Equal(300, status.Fetchers.Sum(f => f.NewLines));
    }

    [Fact]
    public async Task Stopping_a_silo_running_fetchers_restarts_them_on_the_live_silos()
    {
        // An in-process host stop, not a crash (see above). SQLite state: Orleans' memory storage keeps state in grains
        // that may live on the stopped silo.
        await using var harness = await DownloadHarness.StartAsync(3, new LineServerOptions { Lines = 300, Rate = 100 }, durableStorage: true);
        // the collection on the primary (never stopped), so any other silo running a fetcher can be the victim
        await harness.StartOnSiloAsync("restart", harness.Request(fetchers: 3, lines: 300) with { FetcherStallTimeoutMs = 1500 }, "silo0");

        string? victimName = null;
        var status = await harness.WaitForEndAsync("restart", Timeout, async s =>
        {
            if (victimName is null && s.Collected >= 60)
            {
                victimName = s.Fetchers.Select(f => f.Silo).First(silo => silo != s.CollectionSilo);
                await harness.StopSiloAsync(victimName);
            }
        });

        Assert.NotNull(victimName);
        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        harness.AssertServerAccepted(300);
        Assert.True(status.Fetchers.Sum(f => f.Restarts) >= 1);
        Assert.DoesNotContain(victimName, status.Fetchers.Select(f => f.Silo));
    }
}
