using System.Diagnostics;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Client.Download;

/// <summary>Starts one download on the cluster and follows it to the SUBMIT reply, reporting progress as it goes.</summary>
internal sealed class DownloadRunner(IClusterClient client, DownloadProgressPrinter progress)
{
    public static readonly ActivitySource Source = new(OrleansDist.Telemetry.OrleansDistTelemetry.ClientSourceName, "1.0");

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<DownloadResult> RunAsync(string downloadId, DownloadRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("download", ActivityKind.Client);
        activity?.SetTag("orleansdist.download.id", downloadId);
        activity?.SetTag("orleansdist.fetchers", request.Fetchers);
        activity?.SetTag("orleansdist.lines", request.ExpectedLines);
        activity?.SetTag("server.address", request.Server);
        request = request with { TraceParent = Activity.Current?.Id };

        var collection = client.GetGrain<ILineCollectionGrain>(downloadId);
        var clock = Stopwatch.StartNew();
        DownloadStatus status;
        try
        {
            status = await collection.Start(request);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        string? unreachable = null;
        while (status.Phase is DownloadPhase.Downloading or DownloadPhase.Submitting)
        {
            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await CancelQuietlyAsync(collection, "cancelled by the user");
                throw;
            }

            if (clock.Elapsed > timeout)
            {
                await CancelQuietlyAsync(collection, $"did not finish within {timeout.TotalSeconds:0} s");
                throw new CommandFailedException($"download {downloadId} did not finish within {timeout.TotalSeconds:0} s (--timeout); it was cancelled");
            }

            try
            {
                status = await collection.GetStatus();
                unreachable = null;
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // the collection's silo may have died: it comes back on another silo from its stored state
                unreachable = $"collection unreachable ({ex.GetType().Name}); retrying";
            }

            progress.Update(status, clock.Elapsed, unreachable);
        }

        progress.Update(status, clock.Elapsed, null, force: true);
        var timeline = await collection.GetTimeline();
        activity?.SetTag("orleansdist.phase", status.Phase.ToString());
        if (status.Submit is { } submit)
        {
            activity?.SetTag("orleansdist.submit.reply", submit.Reply);
        }

        if (status.Phase != DownloadPhase.Submitted)
        {
            activity?.SetStatus(ActivityStatusCode.Error, status.Error);
        }

        return new DownloadResult
        {
            DownloadId = downloadId,
            Fetchers = request.Fetchers,
            Lines = request.ExpectedLines,
            Seconds = (status.SubmittedAfterMs ?? (long)clock.Elapsed.TotalMilliseconds) / 1000.0,
            CollectedSeconds = status.CompletedAfterMs / 1000.0,
            Status = status,
            Timeline = timeline,
        };
    }

    private static async Task CancelQuietlyAsync(ILineCollectionGrain collection, string reason)
    {
        try
        {
            await collection.Cancel(reason).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // the fetchers stop on their own once they cannot reach the collection for long
        }
    }
}
