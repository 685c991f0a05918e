using Microsoft.Extensions.Logging;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// One fetcher of a cooperative download. Its connection and fetch loop (<see cref="FetchSession"/>) run beside the
/// grain's turns, so Stop and Submit are answered while it fetches; a keep-alive timer holds the activation while it runs.
/// </summary>
public sealed class LineFetcherGrain(ILogger<LineFetcherGrain> logger, ILocalSiloDetails silo, TimeProvider time) : Grain, ILineFetcherGrain
{
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(5);

    private FetchSession? _session;
    private IGrainTimer? _keepAlive;

    public async Task Start(FetcherAssignment assignment)
    {
        if (_session is { IsRunning: true })
        {
            return;
        }

        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        _session = NewSession(assignment);
        _session.Start();
        _keepAlive ??= this.RegisterGrainTimer(
            _ => CloseIfFinishedAsync(),
            new GrainTimerCreationOptions { DueTime = KeepAlivePeriod, Period = KeepAlivePeriod, KeepAlive = true });
    }

    /// <summary>
    /// A session that ended on its own (the collection answered Stop, or it gave up on the collection) and was not stopped
    /// by a call: close its connection, which the server counts against the address, and let the activation go.
    /// </summary>
    private async Task CloseIfFinishedAsync()
    {
        if (_session is { IsRunning: false })
        {
            await _session.DisposeAsync();
            _session = null;
            ReleaseKeepAlive();
            DeactivateOnIdle();
        }
    }

    public async Task Stop(bool keepConnection)
    {
        if (_session is not null)
        {
            await _session.StopAsync();
            if (!keepConnection)
            {
                await _session.DisposeAsync();
                _session = null;
                DeactivateOnIdle();
            }
        }

        ReleaseKeepAlive();
    }

    public async Task<SubmitOutcome> Submit(FetcherAssignment assignment, string entry, NumberedLine[] lines)
    {
        _session ??= NewSession(assignment with { ResetSession = false });
        try
        {
            Array.Sort(lines, (a, b) => a.Number.CompareTo(b.Number));
            return await _session.SubmitAsync(entry, lines, CancellationToken.None);
        }
        finally
        {
            await _session.DisposeAsync();
            _session = null;
            ReleaseKeepAlive();
            DeactivateOnIdle();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
            _session = null;
        }
    }

    private FetchSession NewSession(FetcherAssignment assignment) =>
        new(assignment, GrainFactory.GetGrain<ILineCollectionGrain>(assignment.DownloadId), silo.Name, time, logger);

    private void ReleaseKeepAlive()
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
    }
}
