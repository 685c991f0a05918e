using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Hosting;
using OrleansDist.LineServer;
using Orleans.Runtime.Placement;

namespace OrleansDist.Grains.Tests.Download;

/// <summary>
/// An <see cref="EmbeddedCluster"/> (N Orleans silos in this process, each its own host, real loopback TCP between them,
/// development clustering with silo0 as the primary, the product's <c>UseOrleansDist</c> configuration) plus an in-process
/// line server emulator. With <c>durableStorage</c> the grain state lives in a SQLite file (through src/AdoNet), so it
/// survives a stopped silo; otherwise in Orleans' memory storage, which lives in grains on the silos and dies with them.
/// </summary>
internal sealed class DownloadHarness : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _stateDirectory;

    private DownloadHarness(EmbeddedCluster cluster, LineServerHost server, string? stateDirectory, LogTail log)
    {
        Cluster = cluster;
        Server = server;
        _stateDirectory = stateDirectory;
        Log = log;
    }

    public EmbeddedCluster Cluster { get; }

    public LineServerHost Server { get; }

    /// <summary>The latest log lines of the silos and the client (OrleansDist's from Information, Orleans' from Warning), for failure messages.</summary>
    public LogTail Log { get; }

    public string ServerEndpoint => $"127.0.0.1:{Server.EndPoint.Port}";

    /// <summary>Names of the running silos, in start order: silo0 (the primary), silo1, ...</summary>
    public IReadOnlyList<string> RunningSilos => [.. Cluster.Describe().Select(d => d.Name)];

    public static async Task<DownloadHarness> StartAsync(int silos, LineServerOptions serverOptions, bool durableStorage = false)
    {
        serverOptions.Port = 0;
        serverOptions.BindAddress = "127.0.0.1";
        var server = new LineServerHost(serverOptions);
        await server.StartAsync();
        string? stateDirectory = null;
        var log = new LogTail();
        try
        {
            ProviderSpec? storage = null;
            if (durableStorage)
            {
                stateDirectory = Directory.CreateTempSubdirectory("orleansdist-grains-tests-").FullName;
                storage = new ProviderSpec("sqlite", Path.Combine(stateDirectory, "state.db"));
            }

            using var timeout = new CancellationTokenSource(StartTimeout);
            var cluster = await EmbeddedCluster.StartAsync(
                silos,
                configureLogging: logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("OrleansDist", LogLevel.Information).AddProvider(log),
                storage: storage,
                clusterId: "grains-tests-" + Guid.NewGuid().ToString("N")[..8],
                cancellationToken: timeout.Token);
            return new DownloadHarness(cluster, server, stateDirectory, log);
        }
        catch
        {
            await server.DisposeAsync();
            DeleteQuietly(stateDirectory);
            throw;
        }
    }

    public DownloadRequest Request(int fetchers, int lines, string entry = "test@orleansdist") => new()
    {
        Server = ServerEndpoint,
        Entry = entry,
        Fetchers = fetchers,
        ExpectedLines = lines,
    };

    public ILineCollectionGrain Collection(string id) => Cluster.Client.GetGrain<ILineCollectionGrain>(id);

    /// <summary>
    /// Starts download <paramref name="id"/> with its collection's first activation placed on silo <paramref name="siloName"/>
    /// (a placement hint from the client, which every Orleans placement strategy honours for a first activation).
    /// </summary>
    public async Task<DownloadStatus> StartOnSiloAsync(string id, DownloadRequest request, string siloName)
    {
        // set inside this async method: the hint does not leak into the caller's later calls
        RequestContext.Set(IPlacementDirector.PlacementHintKey, SiloAddressOf(siloName));
        try
        {
            return await Collection(id).Start(request);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    public SiloAddress SiloAddressOf(string siloName) =>
        Cluster.Silos.Select(h => h.Services.GetRequiredService<ILocalSiloDetails>()).Single(d => d.Name == siloName).SiloAddress;

    /// <summary>
    /// Stops silo <paramref name="siloName"/>'s host abruptly (a cancelled host stop, in-process: NOT a process crash;
    /// the SIGKILL tests are in tests/Cluster.Tests). Never the primary: with development clustering it holds the membership table.
    /// </summary>
    public async Task StopSiloAsync(string siloName)
    {
        var names = RunningSilos.ToList();
        Assert.Contains(siloName, names);
        Assert.NotEqual(names[0], siloName);
        await Cluster.StopSiloAsync(names.IndexOf(siloName)).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Polls the collection until the download ends (or <paramref name="timeout"/>), tolerating a stopped silo.</summary>
    public async Task<DownloadStatus> WaitForEndAsync(string id, TimeSpan timeout, Func<DownloadStatus, Task>? onProgress = null)
    {
        var clock = Stopwatch.StartNew();
        DownloadStatus? status = null;
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                status = await Collection(id).GetStatus().WaitAsync(TimeSpan.FromSeconds(15));
                if (status.Phase is DownloadPhase.Submitted or DownloadPhase.Failed or DownloadPhase.Cancelled)
                {
                    return status;
                }

                if (onProgress is not null)
                {
                    await onProgress(status);
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // the collection's silo may just have stopped (SiloUnavailableException is an OrleansException)
                lastError = ex;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"download {id} did not end within {timeout}; last status: {status?.Phase} {status?.Collected}/{status?.ExpectedLines} {status?.Error}; "
            + $"last error: {lastError?.GetType().Name} {lastError?.Message}{Environment.NewLine}{Log}");
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
        try
        {
            await Cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await Server.DisposeAsync();
            DeleteQuietly(_stateDirectory);
        }
    }

    private static void DeleteQuietly(string? directory)
    {
        try
        {
            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // a temp folder left behind
        }
    }
}
