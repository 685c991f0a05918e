using System.Diagnostics;
using OrleansDist.GrainInterfaces.LineDownload;
using OrleansDist.Grains.LineDownload;
using OrleansDist.Hosting;
using OrleansDist.LineServer;
using OrleansDist.TestingHost;

namespace OrleansDist.Grains.Tests.Download;

/// <summary>An in-process cluster (real loopback TCP between silos) plus an in-process line server emulator.</summary>
internal sealed class DownloadHarness : IAsyncDisposable
{
    private DownloadHarness(TestCluster cluster, LineServerHost server)
    {
        Cluster = cluster;
        Server = server;
    }

    public TestCluster Cluster { get; }

    public LineServerHost Server { get; }

    public string ServerEndpoint => $"127.0.0.1:{Server.EndPoint.Port}";

    public static async Task<DownloadHarness> StartAsync(int silos, LineServerOptions serverOptions)
    {
        serverOptions.Port = 0;
        serverOptions.BindAddress = "127.0.0.1";
        var server = new LineServerHost(serverOptions);
        await server.StartAsync();
        var cluster = new TestClusterBuilder(silos)
            .ConfigureSilo(silo => silo.AddGrainAssembly(typeof(LineCollectionGrain).Assembly))
            .Build();
        await cluster.DeployAsync();
        return new DownloadHarness(cluster, server);
    }

    public DownloadRequest Request(int fetchers, int lines, string entry = "test@orleansdist") => new()
    {
        Server = ServerEndpoint,
        Entry = entry,
        Fetchers = fetchers,
        ExpectedLines = lines,
    };

    public ILineCollectionGrain Collection(string id) => Cluster.Client.GetGrain<ILineCollectionGrain>(id);

    /// <summary>Polls the collection until the download ends (or <paramref name="timeout"/>), tolerating a dead silo.</summary>
    public async Task<DownloadStatus> WaitForEndAsync(string id, TimeSpan timeout, Func<DownloadStatus, Task>? onProgress = null)
    {
        var clock = Stopwatch.StartNew();
        DownloadStatus? status = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                status = await Collection(id).GetStatus();
                if (status.Phase is DownloadPhase.Submitted or DownloadPhase.Failed or DownloadPhase.Cancelled)
                {
                    return status;
                }

                if (onProgress is not null)
                {
                    await onProgress(status);
                }
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or ClusterConnectionException)
            {
                // the collection's silo may just have died
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"download {id} did not end within {timeout}; last status: {status?.Phase} {status?.Collected}/{status?.ExpectedLines} {status?.Error}");
    }

    /// <summary>Asserts the server's own record: the latest submission of the submitting address has every line right.</summary>
    public SubmitRecord AssertServerAccepted(int lines)
    {
        var submission = Assert.Single(Server.Submissions, s => s.Success);
        Assert.Equal(lines, submission.Correct);
        Assert.Equal(0, submission.Incorrect);
        Assert.Equal(lines, submission.LinesRead);
        return submission;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }
}
