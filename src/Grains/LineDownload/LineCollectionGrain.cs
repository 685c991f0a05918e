using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Storage;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Pools the lines of one download. Every batch that brings a new line is written to grain storage before the fetcher
/// is answered, so a line the fetcher saw acknowledged survives the collection's silo. A watchdog timer starts again, on a
/// live silo, any fetcher that stops reporting, and submits the file once it is whole. The submission and the restarts
/// run beside the grain's turns, because the fetchers they wait on call back into this grain.
/// </summary>
public sealed class LineCollectionGrain(
    [PersistentState("download")] IPersistentState<LineCollectionState> download,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<LineCollectionGrain> logger) : Grain, ILineCollectionGrain
{
    private const int MaxSubmitAttempts = 3;
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FetcherStopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SiloGoneGrace = TimeSpan.FromSeconds(1);

    private LineSet _held = new(0);
    private long[] _lastReport = [];
    private FetcherCounters?[] _lastSeen = [];
    private bool[] _restarting = [];
    private long _lastConnectedAt;
    private string? _lastServerError;
    private IGrainTimer? _watchdog;
    private bool _submitting;

    private LineCollectionState State => download.State;

    private string DownloadId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Request is { } request)
        {
            _held = new LineSet(request.ExpectedLines);
            foreach (var number in State.Lines.Keys)
            {
                _held.Add(number);
            }

            PrepareFetcherTracking(request.Fetchers);
            if (State.Phase is DownloadPhase.Downloading or DownloadPhase.Submitting)
            {
                StartWatchdog();
            }
        }

        return Task.CompletedTask;
    }

    public async Task<DownloadStatus> Start(DownloadRequest request)
    {
        if (State.Phase != DownloadPhase.NotStarted)
        {
            return Status();
        }

        if (DownloadRequestValidator.Validate(request) is { } error)
        {
            throw new ArgumentException(error, nameof(request));
        }

        var serverIsLoopback = await IsLoopbackAsync(FetchSession.ParseServer(request.Server).Host);
        State.Request = request;
        State.Phase = DownloadPhase.Downloading;
        State.StartedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        State.SourceAddresses = [.. Enumerable.Range(0, request.Fetchers).Select(i => SourceAddressPlan.For(i, request.SourceAddresses, serverIsLoopback))];
        State.Fetchers = [.. Enumerable.Range(0, request.Fetchers).Select(_ => new FetcherTotals())];
        await download.WriteStateAsync();

        _held = new LineSet(request.ExpectedLines);
        PrepareFetcherTracking(request.Fetchers);
        LineDownloadLog.DownloadStarted(logger, DownloadId, request.Fetchers, request.ExpectedLines, request.Server, request.Entry);
        var placed = new List<string>();
        for (var i = 0; i < request.Fetchers; i++)
        {
            // chosen one by one so that each choice sees the silos given to the ones before
            var silo = FetcherPlacementPlan.ChooseSilo(ActiveSilos(), i, placed);
            placed.Add(silo?.Name ?? "");
            State.Fetchers[i].Silo = silo?.Name ?? "";
        }

        await Task.WhenAll(Enumerable.Range(0, request.Fetchers).Select(i => StartFetcherAsync(i, request.ResetSession, State.Fetchers[i].Silo)));
        StartWatchdog();
        return Status();
    }

    public async Task<AddLinesResult> AddLines(int fetcherIndex, FetcherCounters counters, NumberedLine[] lines)
    {
        if (State.Request is null)
        {
            throw new InvalidOperationException($"download {DownloadId} was never started");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)fetcherIndex, (uint)State.Fetchers.Count, nameof(fetcherIndex));
        _lastReport[fetcherIndex] = time.GetTimestamp();
        _lastSeen[fetcherIndex] = counters;
        if (counters.Connected)
        {
            _lastConnectedAt = time.GetTimestamp();
        }
        else if (counters.LastError is not null)
        {
            _lastServerError = counters.LastError;
        }

        // counted in every phase: the fetchers' last reports arrive while they are stopped for the SUBMIT
        var totals = State.Fetchers[fetcherIndex];
        totals.Add(counters);
        if (State.Phase != DownloadPhase.Downloading)
        {
            return new AddLinesResult(0, _held.Count, _held.ToBitmap(), Stop: true);
        }

        var elapsed = (int)Math.Min(int.MaxValue, time.GetUtcNow().ToUnixTimeMilliseconds() - State.StartedAtMs);
        var accepted = 0;
        foreach (var line in lines)
        {
            if (State.Lines.TryGetValue(line.Number, out var existing))
            {
                State.CollectionDuplicates++;
                if (!string.Equals(existing, line.Text, StringComparison.Ordinal))
                {
                    State.ConflictingLines++;
                    LineDownloadLog.ConflictingLine(logger, DownloadId, fetcherIndex, line.Number);
                }

                continue;
            }

            if (!_held.Add(line.Number))
            {
                continue; // outside the file: the fetcher's parser already refuses these
            }

            State.Lines.Add(line.Number, line.Text);
            State.ArrivalMs.Add(elapsed);
            accepted++;
        }

        totals.NewLines += accepted;
        if (accepted > 0)
        {
            if (_held.IsComplete)
            {
                State.Phase = DownloadPhase.Submitting;
                State.CompletedAfterMs = elapsed;
                LineDownloadLog.DownloadComplete(logger, DownloadId, _held.Count, elapsed);
            }

            await WriteStateOrDeactivateAsync();
            if (State.Phase == DownloadPhase.Submitting && !_submitting)
            {
                // submit now rather than at the next watchdog tick: the time until the SUBMIT reply is what users measure
                _submitting = true;
                _ = SubmitAsync();
            }
        }

        return new AddLinesResult(accepted, _held.Count, _held.ToBitmap(), Stop: State.Phase != DownloadPhase.Downloading);
    }

    public Task<DownloadStatus> GetStatus() => Task.FromResult(Status());

    public Task<int[]> GetTimeline() => Task.FromResult(State.ArrivalMs.ToArray());

    public Task<NumberedLine[]> GetLines() =>
        Task.FromResult(State.Lines.OrderBy(l => l.Key).Select(l => new NumberedLine(l.Key, l.Value)).ToArray());

    public async Task Cancel(string reason)
    {
        if (State.Phase is DownloadPhase.Downloading or DownloadPhase.Submitting)
        {
            State.Phase = DownloadPhase.Cancelled;
            State.Error = reason;
            await download.WriteStateAsync();
            _ = StopFetchersAsync();
        }
    }

    private void StartWatchdog() =>
        _watchdog ??= this.RegisterGrainTimer(
            _ => WatchdogTickAsync(),
            new GrainTimerCreationOptions { DueTime = WatchdogPeriod, Period = WatchdogPeriod, KeepAlive = true });

    private async Task WatchdogTickAsync()
    {
        var request = State.Request!;
        switch (State.Phase)
        {
            case DownloadPhase.Downloading:
                var now = time.GetTimestamp();
                var activeSilos = ActiveSilos();
                for (var i = 0; i < request.Fetchers; i++)
                {
                    var silent = time.GetElapsedTime(_lastReport[i], now);
                    var siloGone = State.Fetchers[i].Silo.Length > 0 && !activeSilos.Any(s => string.Equals(s.Name, State.Fetchers[i].Silo, StringComparison.OrdinalIgnoreCase));
                    // a fetcher whose silo left the cluster will not report again: no need to wait out the whole stall timeout
                    var stalled = silent.TotalMilliseconds > request.FetcherStallTimeoutMs || (siloGone && silent > SiloGoneGrace);
                    if (stalled && !_restarting[i])
                    {
                        _restarting[i] = true;
                        _ = RestartFetcherAsync(i, silent);
                    }
                }

                if (time.GetElapsedTime(_lastConnectedAt, now).TotalMilliseconds > request.ServerUnreachableTimeoutMs)
                {
                    await FailAsync($"no fetcher could reach the line server {request.Server} for {request.ServerUnreachableTimeoutMs / 1000.0:0.#} s"
                        + (_lastServerError is null ? "" : $" (last error: {_lastServerError})"));
                }

                break;
            case DownloadPhase.Submitting when !_submitting:
                _submitting = true;
                _ = SubmitAsync();
                break;
            case DownloadPhase.Submitted or DownloadPhase.Failed or DownloadPhase.Cancelled:
                _watchdog?.Dispose();
                _watchdog = null;
                break;
        }
    }

    private async Task RestartFetcherAsync(int index, TimeSpan silent)
    {
        using var activity = LineDownloadTelemetry.StartInTrace($"restart fetcher {index}", ActivityKind.Internal, State.Request!.TraceParent);
        try
        {
            var others = Enumerable.Range(0, State.Fetchers.Count).Where(i => i != index && !IsSilent(i)).Select(i => State.Fetchers[i].Silo);
            var silo = FetcherPlacementPlan.ChooseSilo(ActiveSilos(), index, others);
            State.Fetchers[index].Restarts++;
            State.Fetchers[index].Silo = silo?.Name ?? "";
            LineDownloadLog.RestartingFetcher(logger, DownloadId, index, (long)silent.TotalMilliseconds, silo?.Name ?? "(any)");
            await StartFetcherAsync(index, resetSession: false, silo?.Name);
        }
        finally
        {
            _restarting[index] = false;
        }
    }

    private async Task StartFetcherAsync(int index, bool resetSession, string? siloName)
    {
        var fetcher = GrainFactory.GetGrain<ILineFetcherGrain>(FetcherKey(index));
        try
        {
            var target = SiloNamed(siloName);
            if (target is not null)
            {
                // only steers a first activation; a fetcher that is still active elsewhere keeps its place
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            }

            try
            {
                await fetcher.Start(Assignment(index, resetSession));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }
        catch (Exception ex) when (IsCallFailure(ex))
        {
            LineDownloadLog.FetcherStartFailed(logger, DownloadId, index, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            // a fetcher just (re)started gets a full stall timeout to report before it counts as silent again
            _lastReport[index] = time.GetTimestamp();
        }
    }

    private async Task SubmitAsync()
    {
        var request = State.Request!;
        using var activity = LineDownloadTelemetry.StartInTrace("submit file", ActivityKind.Internal, request.TraceParent);
        try
        {
            await StopFetchersAsync(forSubmit: true);
            State.SubmitAttempts++;
            var lines = State.Lines.Select(l => new NumberedLine(l.Key, l.Value)).ToArray();
            SubmitOutcome outcome;
            try
            {
                outcome = await GrainFactory.GetGrain<ILineFetcherGrain>(FetcherKey(0)).Submit(Assignment(0, resetSession: false), request.Entry, lines);
            }
            catch (Exception ex) when (IsCallFailure(ex))
            {
                LineDownloadLog.SubmitFailed(logger, DownloadId, State.SubmitAttempts, $"{ex.GetType().Name}: {ex.Message}");
                if (State.SubmitAttempts >= MaxSubmitAttempts)
                {
                    await FailAsync($"SUBMIT failed {State.SubmitAttempts} times; last: {ex.Message}");
                }
                else
                {
                    await download.WriteStateAsync();
                }

                return;
            }

            State.Submit = outcome;
            State.SubmittedAfterMs = time.GetUtcNow().ToUnixTimeMilliseconds() - State.StartedAtMs;
            // cancelled while the SUBMIT was on its way: the reply is kept, the cancellation stands
            var cancelledMeanwhile = State.Phase != DownloadPhase.Submitting;
            if (outcome.Success && !cancelledMeanwhile)
            {
                State.Phase = DownloadPhase.Submitted;
                LineDownloadLog.Submitted(logger, DownloadId, outcome.Reply);
            }
            else if (!cancelledMeanwhile)
            {
                LineDownloadLog.SubmitFailed(logger, DownloadId, State.SubmitAttempts, outcome.Reply);
                if (State.SubmitAttempts >= MaxSubmitAttempts)
                {
                    State.Phase = DownloadPhase.Failed;
                    State.Error = $"the server refused the submission: {outcome.Reply}";
                }
            }

            activity?.SetTag("orleansdist.submit.reply", outcome.Reply);
            await download.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // another activation wrote meanwhile (a view change after a crash): a fresh activation reloads and the watchdog submits again
            DeactivateOnIdle();
        }
        finally
        {
            _submitting = false;
        }
    }

    /// <summary>Stops every fetcher; fetcher 0 keeps its connection when it is about to SUBMIT on it.</summary>
    private async Task StopFetchersAsync(bool forSubmit = false)
    {
        await Task.WhenAll(Enumerable.Range(0, State.Fetchers.Count).Select(async i =>
        {
            try
            {
                await GrainFactory.GetGrain<ILineFetcherGrain>(FetcherKey(i)).Stop(keepConnection: forSubmit && i == 0).WaitAsync(FetcherStopTimeout);
            }
            catch (Exception ex) when (IsCallFailure(ex))
            {
                // a fetcher that cannot be reached is not fetching either
            }
        }));
    }

    private async Task FailAsync(string error)
    {
        State.Phase = DownloadPhase.Failed;
        State.Error = error;
        LineDownloadLog.DownloadFailed(logger, DownloadId, error);
        await download.WriteStateAsync();
        _ = StopFetchersAsync();
    }

    private async Task WriteStateOrDeactivateAsync()
    {
        try
        {
            await download.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // another activation wrote meanwhile (a view change after a crash): let a fresh activation reload and the fetcher retry
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>How a call to a fetcher fails when its silo dies or the call cannot be placed: retried later, never fatal.</summary>
    private static bool IsCallFailure(Exception ex) =>
        ex is TimeoutException or OrleansException or InvalidOperationException;

    /// <summary>The Active silos in a stable order (by name, then address), as the placement plan takes them.</summary>
    private List<FetcherSilo> ActiveSilos() =>
        [.. ActiveMembers().Select(m => new FetcherSilo(m.Name, m.SiloAddress.Endpoint.Address.ToString()))];

    private IEnumerable<ClusterMember> ActiveMembers() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal);

    private SiloAddress? SiloNamed(string? name) =>
        string.IsNullOrEmpty(name) ? null : ActiveMembers().FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.SiloAddress;

    private FetcherAssignment Assignment(int index, bool resetSession) => new()
    {
        DownloadId = DownloadId,
        Index = index,
        Request = State.Request!,
        SourceAddress = State.SourceAddresses[index],
        ResetSession = resetSession,
        Collected = _held.ToBitmap(),
    };

    private string FetcherKey(int index) => $"{DownloadId}/{index}";

    private bool IsSilent(int index) =>
        time.GetElapsedTime(_lastReport[index]).TotalMilliseconds > State.Request!.FetcherStallTimeoutMs;

    private void PrepareFetcherTracking(int fetchers)
    {
        var now = time.GetTimestamp();
        _lastReport = [.. Enumerable.Repeat(now, fetchers)];
        _lastSeen = new FetcherCounters?[fetchers];
        _restarting = new bool[fetchers];
        _lastConnectedAt = now;
    }

    /// <summary>
    /// True when the server is reached over IPv4 loopback, where every fetcher can have its own 127.0.0.x session
    /// (IPv6 has a single loopback address, so there the fetchers use the system's).
    /// </summary>
    private static async Task<bool> IsLoopbackAsync(string host)
    {
        static bool IsIPv4Loopback(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(address);

        if (IPAddress.TryParse(host, out var address))
        {
            return IsIPv4Loopback(address);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host);
            return addresses.Any(IsIPv4Loopback) && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException ex)
        {
            throw new ArgumentException($"cannot resolve the line server host '{host}': {ex.Message}", ex);
        }
    }

    private DownloadStatus Status()
    {
        var request = State.Request;
        var now = time.GetTimestamp();
        return new DownloadStatus
        {
            DownloadId = DownloadId,
            Phase = State.Phase,
            Request = request,
            Collected = State.Lines.Count,
            ExpectedLines = request?.ExpectedLines ?? 0,
            StartedAtMs = State.StartedAtMs,
            CompletedAfterMs = State.CompletedAfterMs,
            SubmittedAfterMs = State.SubmittedAfterMs,
            CollectionDuplicates = State.CollectionDuplicates,
            Submit = State.Submit,
            Error = State.Error,
            CollectionSilo = silo.Name,
            Fetchers = [.. State.Fetchers.Select((totals, i) => new FetcherProgress
            {
                Index = i,
                Silo = _lastSeen.ElementAtOrDefault(i)?.Silo is { Length: > 0 } reported ? reported : totals.Silo,
                SourceAddress = State.SourceAddresses.ElementAtOrDefault(i) ?? "",
                Connected = _lastSeen.ElementAtOrDefault(i)?.Connected ?? false,
                Requests = totals.Requests,
                LinesReceived = totals.LinesReceived,
                NewLines = totals.NewLines,
                Duplicates = totals.Duplicates,
                MinusOneReplies = totals.MinusOneReplies,
                Reconnects = totals.Reconnects,
                MalformedReplies = totals.MalformedReplies,
                Restarts = totals.Restarts,
                ThrottledDraws = totals.ThrottledDraws,
                ThrottledMicroseconds = totals.ThrottledMicroseconds,
                LastError = _lastSeen.ElementAtOrDefault(i)?.LastError,
                SilentForMs = i < _lastReport.Length && _lastSeen[i] is not null ? (long)time.GetElapsedTime(_lastReport[i], now).TotalMilliseconds : null,
            })],
        };
    }
}
