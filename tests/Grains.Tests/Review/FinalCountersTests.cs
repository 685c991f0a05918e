using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Grains.Tests.Download;
using OrleansDist.LineServer;

namespace OrleansDist.Grains.Tests.Review;

/// <summary>
/// The experiment's table reports requests, lines received and -1 replies summed from the fetchers' reports. Reports that
/// arrive once the collection is complete (the fetchers' last words while they are stopped for the SUBMIT) must still count.
/// </summary>
public sealed class FinalCountersTests
{
    [Fact]
    public async Task Fetcher_counters_match_what_the_server_sent_once_the_download_is_submitted()
    {
        // a low rate with several fetchers: near the end most replies are duplicates or -1, reported only on the heartbeat
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 60, Rate = 200, Burst = 5 });
        await harness.Collection("counters").Start(harness.Request(fetchers: 3, lines: 60));
        var status = await harness.WaitForEndAsync("counters", TimeSpan.FromSeconds(60));
        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");

        var sessions = harness.Server.GetSessions();
        var sent = sessions.Sum(s => s.LinesSent);
        var minusOne = sessions.Sum(s => s.MinusOneReplies);
        var detail = "server sessions: " + string.Join("; ", sessions.Select(s => $"{s.ClientAddress} sent {s.LinesSent} lines, {s.MinusOneReplies} -1"))
            + Environment.NewLine + "fetchers: " + string.Join("; ", status.Fetchers.Select(f => $"{f.SourceAddress} on {f.Silo}: {f.Requests} requests, {f.LinesReceived} lines, {f.MinusOneReplies} -1, {f.Reconnects} reconnects"))
            + Environment.NewLine + harness.Log;
        Assert.True(sent == status.Fetchers.Sum(f => f.LinesReceived), $"lines: the server sent {sent}, the fetchers counted {status.Fetchers.Sum(f => f.LinesReceived)}{Environment.NewLine}{detail}");
        Assert.True(minusOne == status.Fetchers.Sum(f => f.MinusOneReplies), $"-1 replies: the server sent {minusOne}, the fetchers counted {status.Fetchers.Sum(f => f.MinusOneReplies)}{Environment.NewLine}{detail}");
        Assert.True(sent + minusOne == status.Fetchers.Sum(f => f.Requests), $"requests: {status.Fetchers.Sum(f => f.Requests)}, replies {sent + minusOne}{Environment.NewLine}{detail}");
    }
}
