using System.Diagnostics;
using System.Net;
using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Grains.Tests.Download;
using OrleansDist.LineServer;

namespace OrleansDist.Grains.Tests.Review;

/// <summary>
/// A fetcher can be started after its download is over (a watchdog restart whose Start lands after the Stop, or a
/// collection reactivated in a final phase while its fetchers still run). The collection then answers Stop to the
/// fetcher's first report; nobody calls Stop on it. Its connection must not stay open (the server allows one per address,
/// so the next download from that address could never connect) and its activation must not be kept alive forever.
/// </summary>
public sealed class LateFetcherStartTests
{
    [Fact]
    public async Task A_fetcher_started_after_the_download_ended_closes_its_connection_on_its_own()
    {
        await using var harness = await DownloadHarness.StartAsync(2, new LineServerOptions { Lines = 40, Rate = 1000 });
        await harness.Collection("late").Start(harness.Request(fetchers: 2, lines: 40));
        var status = await harness.WaitForEndAsync("late", TimeSpan.FromSeconds(60));
        Assert.True(status.Phase == DownloadPhase.Submitted, $"{status.Phase}: {status.Error} {status.Submit?.Reply}");
        var address = IPAddress.Parse(status.Fetchers[1].SourceAddress);
        Assert.Equal(0, harness.Server.GetSession(address)!.OpenConnections);

        // the late Start: the restart the watchdog sent just before the download completed
        await harness.Cluster.Client.GetGrain<ILineFetcherGrain>("late/1").Start(new FetcherAssignment
        {
            DownloadId = "late",
            Index = 1,
            Request = status.Request!,
            SourceAddress = status.Fetchers[1].SourceAddress,
        });

        var clock = Stopwatch.StartNew();
        var sawConnection = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var open = harness.Server.GetSession(address)!.OpenConnections;
            sawConnection |= open > 0;
            if (sawConnection && open == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        if (!sawConnection)
        {
            return; // the collection's Stop reached the fetcher before its connection did: nothing was left open
        }

        Assert.Fail($"the late fetcher's connection from {address} was still open after {clock.Elapsed.TotalSeconds:0} s");
    }
}
