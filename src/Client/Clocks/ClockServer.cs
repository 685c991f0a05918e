using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// <c>clock serve</c>: the seed's TCP protocols in front of a Berkeley master grain that runs until stopped.
/// Cristian: on connect the server sends the master clock's time as Python's <c>str(datetime.now())</c>, one write, and
/// closes. Berkeley: a slave sends its clock in that format whenever it likes; each round the master polls it (through
/// this process, an observer) beside its grains and this process sends it the time its clock should read, one write.
/// Malformed input from a slave is logged and that connection dropped; the others go on.
/// </summary>
internal sealed class ClockServer(IClusterClient client, string systemId, BerkeleyConfig config, string[] clocks, TextWriter output)
    : IExternalClocks, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ExternalSlave> _slaves = new(StringComparer.Ordinal);
    private readonly IBerkeleyMasterGrain _master = client.GetGrain<IBerkeleyMasterGrain>(systemId);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly object _outputGate = new();
    private readonly MasterClockEstimate _masterClock = new(client.GetGrain<IBerkeleyMasterGrain>(systemId));

    public async Task RunAsync(IPAddress address, int cristianPort, int berkeleyPort, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        var cristian = Listen(address, cristianPort, "--cristian-port");
        var berkeley = Listen(address, berkeleyPort, "--berkeley-port");
        var status = await _master.Start(config);
        var observer = client.CreateObjectReference<IExternalClocks>(this);
        try
        {
            await _master.Subscribe(observer);
            await _masterClock.RefreshAsync();
            Say($"Berkeley master {systemId} on {status.MasterSilo}; clocks {string.Join(", ", status.Placement)}; round every {config.PeriodMs} ms, threshold {config.ThresholdMs.ToString("0.###", CultureInfo.InvariantCulture)} ms");
            Say($"CLOCK SERVER READY cristian={Endpoint(cristian)} berkeley={Endpoint(berkeley)}");
            var tasks = new[]
            {
                AcceptLoopAsync(cristian, ServeCristianAsync, ct),
                AcceptLoopAsync(berkeley, ServeSlaveAsync, ct),
                ReportRoundsAsync(ct),
                ResubscribeAsync(observer, ct),
                TrackMasterClockAsync(ct),
            };
            await Task.WhenAny(tasks);
            await _stopping.CancelAsync();
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            foreach (var failed in tasks.Where(t => t.IsFaulted))
            {
                throw new CommandFailedException($"the clock server stopped: {failed.Exception!.InnerException!.Message}", failed.Exception);
            }
        }
        finally
        {
            try
            {
                await _master.Stop().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // the cluster is going away with us
            }

            client.DeleteObjectReference<IExternalClocks>(observer);
            Say("Clock server stopped.");
        }
    }

    private static string Endpoint(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).ToString();

    private TcpListener Listen(IPAddress address, int port, string option)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            throw new CommandFailedException($"{option} {port}: cannot listen on {address}:{port}: {ex.Message}", ex);
        }

        _listeners.Add(listener);
        return listener;
    }

    private async Task AcceptLoopAsync(TcpListener listener, Func<TcpClient, CancellationToken, Task> serve, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var connection = await listener.AcceptTcpClientAsync(ct);
                connection.NoDelay = true;
                _ = Task.Run(() => serve(connection, ct), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Sends the master's clock as this process tracks it (<see cref="MasterClockEstimate"/>), one write, and closes.</summary>
    private async Task ServeCristianAsync(TcpClient connection, CancellationToken ct)
    {
        using (connection)
        {
            var peer = connection.Client.RemoteEndPoint?.ToString() ?? "?";
            try
            {
                var now = _masterClock.Now() ?? throw new IOException("the master's clock is not known yet");
                var text = PythonDateTime.Format(now);
                await connection.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text), ct);
                Say($"cristian: sent {text} to {peer} (master clock tracked to ±{(_masterClock.LastRoundTripMs / 2).ToString("0.000", CultureInfo.InvariantCulture)} ms)");
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                Say($"cristian: {peer}: {ex.Message}");
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }
    }

    /// <summary>Keeps <see cref="_masterClock"/> fresh: every half second (the master's own corrections slew it by microseconds).</summary>
    private async Task TrackMasterClockAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                try
                {
                    await _masterClock.RefreshAsync();
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    Say($"cristian: could not read the master's clock: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task ServeSlaveAsync(TcpClient connection, CancellationToken ct)
    {
        var name = "tcp:" + (connection.Client.RemoteEndPoint?.ToString() ?? Guid.NewGuid().ToString("N")[..8]);
        var slave = new ExternalSlave(name, connection, TimeProvider.System);
        _slaves[name] = slave;
        Say($"berkeley: slave {name} connected");
        var buffer = new byte[1024];
        var pending = new StringBuilder();
        var reason = "closed the connection";
        try
        {
            var stream = connection.GetStream();
            while (true)
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }

                pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var text = pending.ToString();
                var readings = new List<long>();
                var used = PythonDateTime.TakeAll(text, readings, out var malformed);
                if (readings.Count > 0)
                {
                    slave.Report(readings[^1]);
                }

                if (malformed || text.Length - used > 64)
                {
                    var bad = text[used..];
                    reason = $"sent malformed input {Quote(bad)} (expected Python's str(datetime.now()), e.g. 2026-11-29 19:20:01.123456); connection dropped";
                    break;
                }

                pending.Remove(0, used);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            reason = $"connection lost: {ex.Message}";
        }
        catch (OperationCanceledException)
        {
            reason = "server stopping";
        }
        finally
        {
            _slaves.TryRemove(name, out _);
            connection.Dispose();
        }

        Say($"berkeley: slave {name} {reason}");
    }

    private static string Quote(string text)
    {
        var shown = text.Length > 40 ? text[..40] + "…" : text;
        return "\"" + string.Concat(shown.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) + "\"";
    }

    /// <summary>Subscribes again every 2 s: the master forgets its observer if it is reactivated elsewhere.</summary>
    private async Task ResubscribeAsync(IExternalClocks observer, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
                try
                {
                    await _master.Subscribe(observer);
            await _masterClock.RefreshAsync();
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    Say($"berkeley: could not subscribe to the master: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>One line per round: every clock's true offset one period after it, the spread and who was left out.</summary>
    private async Task ReportRoundsAsync(CancellationToken ct)
    {
        var report = new BerkeleyReport(clocks, config.ThresholdMs);
        var next = 1;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(250, ct);
                BerkeleyStatus status;
                try
                {
                    status = await _master.GetStatus();
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    continue;
                }

                var first = status.Snapshots.Length == 0 ? next : status.Snapshots[0].AfterRound;
                next = Math.Max(next, first);
                while (report.Row(status, next) is { } row)
                {
                    var offsets = string.Join(" ", row.OffsetsMs.Select(o => $"{o.Key}={(o.Value is { } ms ? ms.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-")}"));
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"round {row.Round}: offsets ms {offsets} | spread {row.SpreadMs:0.000} ms | excluded [{string.Join(",", row.Excluded)}] | not answered [{string.Join(",", row.NotAnswered)}]"));
                    next++;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    public Task<ExternalReading[]> Read() =>
        Task.FromResult<ExternalReading[]>([.. _slaves.Values
            .Select(s => (s.Name, Offset: s.Offset(), Estimate: s.Estimate()))
            .Where(s => s.Offset is not null && s.Estimate is not null)
            .Select(s => new ExternalReading { Name = s.Name, EstimatedUnixTicks = s.Estimate!.Value, TrueOffsetSeconds = s.Offset!.Value })]);

    public async Task Correct(string name, double deltaSeconds, int round)
    {
        if (!_slaves.TryGetValue(name, out var slave))
        {
            return;
        }

        try
        {
            var sent = await slave.CorrectAsync(deltaSeconds, _stopping.Token);
            if (sent is not null && Math.Abs(deltaSeconds) >= config.ThresholdMs / 1000)
            {
                Say(string.Create(CultureInfo.InvariantCulture, $"berkeley: round {round}: told {name} its clock should read {sent} (correction {deltaSeconds * 1000:+0.000;-0.000} ms)"));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Say($"berkeley: slave {name}: could not send its time ({ex.Message}); dropping it");
            _slaves.TryRemove(name, out _);
            slave.Connection.Dispose();
        }
    }

    private void Say(string line)
    {
        lock (_outputGate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        foreach (var slave in _slaves.Values)
        {
            slave.Connection.Dispose();
        }

        _stopping.Dispose();
    }
}
