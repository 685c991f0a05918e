using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// The work of one fetcher activation, off the grain's turns: a fetch loop that keeps one connection to the line server
/// (reconnecting with backoff) and asks for lines, and a courier that hands the new lines to the collection in small
/// batches and learns from each answer which lines the collection already holds. Lines stay in the fetcher until the
/// collection has acknowledged them.
/// </summary>
internal sealed class FetchSession : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinimumBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly FetcherAssignment _assignment;
    private readonly DownloadRequest _request;
    private readonly ILineCollectionGrain _collection;
    private readonly string _siloName;
    private readonly string _fetcherId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _serverHost;
    private readonly int _serverPort;
    private readonly IPAddress? _source;

    private readonly Lock _gate = new();
    private readonly LineSet _known;
    private readonly List<NumberedLine> _pending = [];
    private FetcherCounters _unreported = new();
    private FetcherCounters _reportedTotals = new();

    // Since the first -1 (burst spent) and until the fetch loop ends: the span whose draws measure the server's steady rate.
    private long? _throttledMark;
    private long? _fetchEndedAt;
    private bool _connected;
    private string? _lastError;

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _courierSignal = new(0);
    private LineServerConnection? _connection;
    private Task? _fetchLoop;
    private Task? _courier;
    private bool _resetPending;
    private volatile bool _collectionComplete;
    private bool _disposed;

    public FetchSession(FetcherAssignment assignment, ILineCollectionGrain collection, string siloName, TimeProvider time, ILogger logger)
    {
        _assignment = assignment;
        _request = assignment.Request;
        _collection = collection;
        _siloName = siloName;
        _fetcherId = $"{assignment.DownloadId}/{assignment.Index}";
        _time = time;
        _logger = logger;
        (_serverHost, _serverPort) = ParseServer(_request.Server);
        _source = assignment.SourceAddress is null ? null : IPAddress.Parse(assignment.SourceAddress);
        _known = LineSet.FromBitmap(_request.ExpectedLines, assignment.Collected);
        _resetPending = assignment.ResetSession;
    }

    public bool IsRunning => _fetchLoop is { IsCompleted: false };

    /// <summary>Starts the fetch loop and the courier under a span for this fetcher's work.</summary>
    public void Start()
    {
        var caller = Activity.Current;
        var activity = LineDownloadTelemetry.Source.StartActivity($"fetcher {_assignment.Index}", ActivityKind.Internal);
        activity?.SetTag("orleansdist.download.id", _assignment.DownloadId);
        activity?.SetTag("orleansdist.fetcher.index", _assignment.Index);
        activity?.SetTag("orleansdist.silo", _siloName);
        activity?.SetTag("network.local.address", _assignment.SourceAddress ?? "(system)");
        // The loops outlive the Start call: they must not carry its request context (a placement hint would pin
        // whatever they activate to this silo).
        _fetchLoop = Task.Run(async () =>
        {
            RequestContext.Clear();
            try
            {
                await FetchLoopAsync(_stop.Token);
            }
            finally
            {
                lock (_gate)
                {
                    _fetchEndedAt = _time.GetTimestamp();
                }
            }
        });
        _courier = Task.Run(() =>
        {
            RequestContext.Clear();
            return CourierLoopAsync();
        });
        _ = Task.WhenAll(_fetchLoop, _courier).ContinueWith(
            _ =>
            {
                var total = Totals;
                activity?.SetTag("orleansdist.requests", total.Requests);
                activity?.SetTag("orleansdist.lines_received", total.LinesReceived);
                activity?.SetTag("orleansdist.minus_one_replies", total.MinusOneReplies);
                activity?.Dispose();
            },
            TaskScheduler.Default);
        Activity.Current = caller;
    }

    /// <summary>Everything this session did (reported or not), for its closing span and log line.</summary>
    private FetcherCounters Totals
    {
        get
        {
            lock (_gate)
            {
                return _reportedTotals.Plus(_unreported);
            }
        }
    }

    /// <summary>Stops asking for lines, reads the replies in flight, hands the last lines over, and keeps the connection.</summary>
    public async Task StopAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stop.Cancel();
        _courierSignal.Release();
        if (_fetchLoop is not null)
        {
            await _fetchLoop;
        }

        if (_courier is not null)
        {
            await _courier;
        }
    }

    /// <summary>Stops fetching, then submits on this session's connection (or a new one from the same source address).</summary>
    public async Task<SubmitOutcome> SubmitAsync(string entry, IReadOnlyList<NumberedLine> lines, CancellationToken cancellationToken)
    {
        await StopAsync();
        using var activity = LineDownloadTelemetry.Source.StartActivity("SUBMIT", ActivityKind.Client);
        activity?.SetTag("server.address", _serverHost);
        activity?.SetTag("server.port", _serverPort);
        activity?.SetTag("orleansdist.entry", entry);
        activity?.SetTag("orleansdist.lines", lines.Count);
        var deadline = _time.GetTimestamp() + (long)(30 * _time.TimestampFrequency);
        var backoff = MinimumBackoff;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var connection = _connection ?? await ConnectAsync(cancellationToken);
                _connection = connection;
                await connection.SendSubmitAsync(entry, lines, cancellationToken);
                var reply = await ReadCommandReplyAsync(connection, TimeSpan.FromSeconds(30), cancellationToken);
                if (reply.StartsWith("ERROR:", StringComparison.Ordinal))
                {
                    // e.g. TOO MANY CONNECTIONS while the server has not yet noticed the connection of a dead fetcher
                    throw new IOException($"the server refused the connection: {reply}");
                }

                var outcome = SubmitReplyParser.Parse(reply) ?? new SubmitOutcome { Success = false, Reply = reply };
                activity?.SetTag("orleansdist.submit.reply", reply);
                if (outcome.Success)
                {
                    activity?.SetTag("orleansdist.submit.correct", outcome.Correct);
                    activity?.SetTag("orleansdist.submit.incorrect", outcome.Incorrect);
                }
                else
                {
                    activity?.SetStatus(ActivityStatusCode.Error, reply);
                }

                return outcome;
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or MalformedReplyException)
            {
                await DropConnectionAsync();
                if (_time.GetTimestamp() > deadline)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    throw new IOException($"SUBMIT to {_request.Server} failed: {ex.Message}", ex);
                }

                await Task.Delay(backoff, _time, cancellationToken);
                backoff = Next(backoff);
            }
        }
    }

    private async Task FetchLoopAsync(CancellationToken stopping)
    {
        var backoff = MinimumBackoff;
        var firstConnection = true;
        var failedConnects = 0;
        while (!stopping.IsCancellationRequested && !_collectionComplete)
        {
            LineServerConnection connection;
            try
            {
                connection = await ConnectAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or IOException or MalformedReplyException)
            {
                var connectError = $"cannot connect to {_request.Server} from {_assignment.SourceAddress ?? "the system's address"}: {ex.Message}";
                SetError(connectError, connected: false);
                failedConnects++;

                // while the wait doubles, every failure; at the longest wait, one in six (about every 30 s)
                if (backoff < MaximumBackoff || failedConnects % 6 == 0)
                {
                    LineDownloadLog.ConnectFailed(_logger, _fetcherId, _request.Server, _assignment.SourceAddress ?? "(system)", ex.Message, (long)backoff.TotalMilliseconds);
                }

                if (!await DelayAsync(backoff, stopping))
                {
                    break;
                }

                backoff = Next(backoff);
                continue;
            }

            _connection = connection;
            if (!firstConnection)
            {
                Count(c => c with { Reconnects = c.Reconnects + 1 });
            }

            firstConnection = false;
            var (ended, error, gotLines) = await FetchOnConnectionAsync(connection, stopping);
            if (ended)
            {
                break;
            }

            await DropConnectionAsync();
            SetError(error, connected: false);
            backoff = gotLines ? MinimumBackoff : backoff;
            LineDownloadLog.ConnectionLost(_logger, _fetcherId, error!, (long)backoff.TotalMilliseconds);
            if (!await DelayAsync(backoff, stopping))
            {
                break;
            }

            backoff = Next(backoff);
        }

        var totals = Totals;
        LineDownloadLog.Stopped(_logger, _fetcherId, totals.Requests, totals.LinesReceived, totals.MinusOneReplies);
    }

    private async Task<LineServerConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = await LineServerConnection.ConnectAsync(
            _serverHost, _serverPort, _source, _request.ExpectedLines, _request.MaxLineLength, ConnectTimeout, cancellationToken);
        LineDownloadLog.Connected(_logger, _fetcherId, _request.Server, connection.LocalEndPoint.ToString());
        if (_resetPending)
        {
            try
            {
                await connection.SendCommandAsync("SESSION RESET", cancellationToken);
                var reply = await ReadCommandReplyAsync(connection, ReplyTimeout, cancellationToken);
                if (reply.StartsWith("ERROR: TOO MANY CONNECTIONS", StringComparison.Ordinal))
                {
                    throw new MalformedReplyException($"the server refused: {reply}");
                }

                if (reply != "SESSION RESET OK")
                {
                    LineDownloadLog.SessionResetRefused(_logger, _fetcherId, reply);
                }

                _resetPending = false;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        SetError(null, connected: true);
        return connection;
    }

    /// <summary>
    /// Asks for lines on one connection until told to stop (true) or the connection fails (false, with why). Lines are
    /// offered to the courier one reply late (<see cref="ConfirmedLines"/>).
    /// </summary>
    private async Task<(bool Ended, string? Error, bool GotLines)> FetchOnConnectionAsync(LineServerConnection connection, CancellationToken stopping)
    {
        using var span = LineDownloadTelemetry.Source.StartActivity("line server connection", ActivityKind.Client);
        span?.SetTag("server.address", _serverHost);
        span?.SetTag("server.port", _serverPort);
        span?.SetTag("network.local.address", connection.LocalEndPoint.Address.ToString());
        var tally = new ConnectionTally();
        try
        {
            return await FetchOnConnectionCoreAsync(connection, span, tally, stopping);
        }
        finally
        {
            // this connection's own SENDLINE counts (the fetcher span has the session's totals)
            span?.SetTag("orleansdist.requests", tally.Requests);
            span?.SetTag("orleansdist.lines_received", tally.Lines);
            span?.SetTag("orleansdist.minus_one_replies", tally.MinusOneReplies);
        }
    }

    private async Task<(bool Ended, string? Error, bool GotLines)> FetchOnConnectionCoreAsync(
        LineServerConnection connection, Activity? span, ConnectionTally tally, CancellationToken stopping)
    {
        var pacer = new RequestPacer(_request.PipelineDepth);
        var confirmed = new ConfirmedLines();
        var gotLines = false;
        var lastReply = _time.GetTimestamp();
        while (!stopping.IsCancellationRequested && !_collectionComplete)
        {
            var now = _time.GetTimestamp();
            var delay = pacer.DelayBeforeNextSend(connection.Outstanding, now, _time.TimestampFrequency);
            if (delay is null)
            {
                var count = pacer.Window - connection.Outstanding;
                try
                {
                    // not cancellable: a stop between queueing the replies and writing the requests would leave replies awaited that never come
                    await connection.SendLineRequestsAsync(count, CancellationToken.None);
                }
                catch (IOException ex)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    return (false, ex.Message, gotLines);
                }

                Count(c => c with { Requests = c.Requests + count });
                tally.Requests += count;
                continue;
            }

            var wait = delay.Value == TimeSpan.MaxValue ? ReplyTimeout : delay.Value;
            ServerReply? reply;
            try
            {
                reply = await ReadReplyAsync(connection, wait, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }

            if (reply is null)
            {
                if (connection.Outstanding > 0 && _time.GetElapsedTime(lastReply) >= ReplyTimeout)
                {
                    Count(c => c with { MalformedReplies = c.MalformedReplies + 1 });
                    span?.SetStatus(ActivityStatusCode.Error, "no reply");
                    return (false, $"no reply from the server for {ReplyTimeout.TotalSeconds:0} s", gotLines);
                }

                continue;
            }

            lastReply = _time.GetTimestamp();
            if (Handle(reply.Value, pacer, confirmed, tally, ref gotLines) is { } failure)
            {
                span?.SetStatus(ActivityStatusCode.Error, failure);
                return (false, failure, gotLines);
            }
        }

        // drain: the replies in flight are read so the connection is clean for a SUBMIT
        var drainUntil = _time.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * _time.TimestampFrequency);
        while (connection.HasUnhandledReplies && _time.GetTimestamp() < drainUntil)
        {
            var reply = await ReadReplyAsync(connection, DrainTimeout, CancellationToken.None);
            if (reply is null || Handle(reply.Value, pacer, confirmed, tally, ref gotLines) is not null)
            {
                await DropConnectionAsync();
                return (true, null, gotLines);
            }
        }

        if (!connection.HasUnhandledReplies && confirmed.ReleaseAtCleanEnd() is { } last)
        {
            Offer(last);
        }
        else if (connection.HasUnhandledReplies)
        {
            await DropConnectionAsync();
        }

        return (true, null, gotLines);
    }

    /// <summary>Applies one reply; returns why the connection must be dropped, or null.</summary>
    private string? Handle(ServerReply reply, RequestPacer pacer, ConfirmedLines confirmed, ConnectionTally tally, ref bool gotLines)
    {
        switch (reply.Kind)
        {
            case ServerReplyKind.SendLine when reply.Line.IsRateLimited:
                lock (_gate)
                {
                    _throttledMark ??= _time.GetTimestamp();
                }

                Count(c => c with { MinusOneReplies = c.MinusOneReplies + 1 });
                tally.MinusOneReplies++;
                pacer.OnRateLimited(_time.GetTimestamp(), _time.TimestampFrequency);
                Offer(confirmed.Accept(reply.Line));
                return null;
            case ServerReplyKind.SendLine:
                gotLines = true;
                Count(c => c with { LinesReceived = c.LinesReceived + 1, ThrottledDraws = c.ThrottledDraws + (_throttledMark is null ? 0 : 1) });
                tally.Lines++;
                pacer.OnLine();
                Offer(confirmed.Accept(reply.Line));
                return null;
            case ServerReplyKind.Malformed:
                confirmed.Discard();
                Count(c => c with { MalformedReplies = c.MalformedReplies + 1 });
                return reply.Text;
            case ServerReplyKind.Closed:
                confirmed.Discard();
                return reply.Text;
            default:
                confirmed.Discard();
                Count(c => c with { MalformedReplies = c.MalformedReplies + 1 });
                return $"unexpected reply \"{reply.Text}\"";
        }
    }

    /// <summary>Waits up to <paramref name="wait"/> for the next reply; null when none came.</summary>
    private async Task<ServerReply?> ReadReplyAsync(LineServerConnection connection, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (connection.Replies.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            if (await connection.Replies.WaitToReadAsync(timeout.Token) && connection.Replies.TryRead(out var reply))
            {
                return reply;
            }

            return ServerReply.Closed("the connection closed");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<string> ReadCommandReplyAsync(LineServerConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var reply = await ReadReplyAsync(connection, timeout, cancellationToken)
                ?? throw new TimeoutException($"no reply from {_request.Server} within {timeout.TotalSeconds:0} s");
            switch (reply.Kind)
            {
                case ServerReplyKind.CommandReply:
                    return reply.Text!;
                case ServerReplyKind.SendLine:
                    continue; // a late reply to a SENDLINE sent before the command
                default:
                    throw new MalformedReplyException(reply.Text ?? "the connection closed");
            }
        }
    }

    /// <summary>A confirmed line: dropped at the edge when the collection (or this fetcher) already has it.</summary>
    private void Offer(SendLineReply? line)
    {
        if (line is not { } reply)
        {
            return;
        }

        bool flushNow;
        lock (_gate)
        {
            if (!_known.Add(reply.Number))
            {
                _unreported = _unreported with { Duplicates = _unreported.Duplicates + 1 };
                return;
            }

            _pending.Add(new NumberedLine(reply.Number, reply.Text));
            flushNow = _pending.Count == _request.FlushLines;
        }

        if (flushNow)
        {
            _courierSignal.Release();
        }
    }

    /// <summary>Hands new lines (and counters, as a heartbeat) to the collection until the session ends and nothing is left.</summary>
    private async Task CourierLoopAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        var lastReport = _time.GetTimestamp();
        var reportedOnce = false;
        long? oldestPendingSince = null;
        var failing = false;
        while (true)
        {
            var ending = _stop.IsCancellationRequested || _collectionComplete;
            var fetchDone = _fetchLoop is { IsCompleted: true }; // read before the snapshot: once done, nothing is added after it
            NumberedLine[] batch;
            FetcherCounters counters;
            lock (_gate)
            {
                batch = [.. _pending];
                AccrueThrottledTime();
                counters = _unreported with { Silo = _siloName, SourceAddress = _assignment.SourceAddress ?? "", Connected = _connected, LastError = _lastError };
            }

            var now = _time.GetTimestamp();
            oldestPendingSince = batch.Length == 0 ? null : oldestPendingSince ?? now;
            var heartbeatDue = !reportedOnce || _time.GetElapsedTime(lastReport) >= HeartbeatInterval;
            var flushDue = batch.Length >= _request.FlushLines
                || (oldestPendingSince is { } since && _time.GetElapsedTime(since).TotalMilliseconds >= _request.FlushIntervalMs);
            // the last report goes out even once the collection is complete: its counters belong in the totals
            if ((ending && (batch.Length > 0 || !counters.IsEmpty)) || flushDue || heartbeatDue)
            {
                try
                {
                    var result = await _collection.AddLines(_assignment.Index, counters, batch);
                    lock (_gate)
                    {
                        _pending.RemoveRange(0, batch.Length);
                        _unreported = _unreported.Minus(counters);
                        _reportedTotals = _reportedTotals.Plus(counters);
                        _known.UnionWith(result.CollectedBitmap);
                    }

                    lastReport = _time.GetTimestamp();
                    reportedOnce = true;
                    oldestPendingSince = null;
                    backoff = TimeSpan.FromMilliseconds(200);
                    failing = false;
                    if (result.Stop)
                    {
                        _collectionComplete = true;
                    }

                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    if (!failing)
                    {
                        LineDownloadLog.HandOverFailed(_logger, _fetcherId, batch.Length, $"{ex.GetType().Name}: {ex.Message}");
                    }

                    failing = true;
                    if (_collectionComplete && fetchDone)
                    {
                        return; // only counters were left to report, to a collection that is done
                    }

                    if (_time.GetElapsedTime(lastReport).TotalMilliseconds > _request.FetcherStallTimeoutMs)
                    {
                        // by now the collection counts this fetcher as silent and starts another in its place (or this
                        // silo is cut off): stop fetching and free the session's connection; unacknowledged lines are fetched again
                        LineDownloadLog.GivingUp(_logger, _fetcherId, _request.FetcherStallTimeoutMs);
                        _stop.Cancel();
                        if (_fetchLoop is not null)
                        {
                            await _fetchLoop;
                        }

                        await DropConnectionAsync();
                        return;
                    }

                    await Task.Delay(backoff, _time);
                    backoff = Next(backoff);
                    continue;
                }
            }

            if (ending && fetchDone)
            {
                lock (_gate)
                {
                    if ((_pending.Count == 0 || _collectionComplete) && _unreported.IsEmpty)
                    {
                        return;
                    }
                }

                continue;
            }

            var wait = oldestPendingSince is { } pendingSince
                ? TimeSpan.FromMilliseconds(Math.Max(1, _request.FlushIntervalMs - _time.GetElapsedTime(pendingSince).TotalMilliseconds))
                : HeartbeatInterval - _time.GetElapsedTime(lastReport);
            await _courierSignal.WaitAsync(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
            if (_stop.IsCancellationRequested && _fetchLoop is { IsCompleted: false })
            {
                await _fetchLoop;
            }
        }
    }

    /// <summary>Moves the fetching time since the last mark into the unreported counters (call under the gate).</summary>
    private void AccrueThrottledTime()
    {
        if (_throttledMark is not { } mark)
        {
            return;
        }

        var until = _fetchEndedAt ?? _time.GetTimestamp();
        if (until > mark)
        {
            var micros = (long)_time.GetElapsedTime(mark, until).TotalMicroseconds;
            _unreported = _unreported with { ThrottledMicroseconds = _unreported.ThrottledMicroseconds + micros };
            _throttledMark = until;
        }
    }

    private void Count(Func<FetcherCounters, FetcherCounters> change)
    {
        lock (_gate)
        {
            _unreported = change(_unreported);
        }
    }

    private void SetError(string? error, bool connected)
    {
        lock (_gate)
        {
            _lastError = error ?? _lastError;
            _connected = connected;
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            return !_collectionComplete;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(MaximumBackoff.Ticks, backoff.Ticks * 2));

    public static (string Host, int Port) ParseServer(string server)
    {
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            throw new ArgumentException($"line server '{server}' is not host:port");
        }

        return (server[..colon].Trim('[', ']'), port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _courierSignal.Release();
        try
        {
            await Task.WhenAll(_fetchLoop ?? Task.CompletedTask, _courier ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // disposal must not fail: the loops log their own errors
        }

        await DropConnectionAsync();
        _stop.Dispose();
        _courierSignal.Dispose();
    }

    /// <summary>One connection's SENDLINE counts, for its span (touched only by the fetch loop).</summary>
    private sealed class ConnectionTally
    {
        public long Requests;
        public long Lines;
        public long MinusOneReplies;
    }
}
