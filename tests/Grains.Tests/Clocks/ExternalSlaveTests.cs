using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansDist.Client.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

/// <summary>How <c>clock serve</c> estimates a TCP slave's clock from its reports and what it sends it.</summary>
public sealed class ExternalSlaveTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 19, 20, 0, TimeSpan.Zero);
    private readonly ManualTime _time = new(Start);
    private TcpListener? _listener;
    private TcpClient? _serverSide;
    private TcpClient? _slaveSide;

    public async Task InitializeAsync()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _slaveSide = new TcpClient();
        var accept = _listener.AcceptTcpClientAsync();
        await _slaveSide.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        _serverSide = await accept;
    }

    public Task DisposeAsync()
    {
        _serverSide?.Dispose();
        _slaveSide?.Dispose();
        _listener?.Stop();
        return Task.CompletedTask;
    }

    private static long Ticks(DateTimeOffset t) => t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>A report the slave sent <paramref name="delayMs"/> ago from a clock <paramref name="offsetMs"/> ahead.</summary>
    private static long Sent(DateTimeOffset now, double offsetMs, double delayMs) =>
        Ticks(now) + (long)((offsetMs - delayMs) * TimeSpan.TicksPerMillisecond);

    [Fact]
    public void Estimate_TakesTheLeastDelayedReport()
    {
        var slave = new ExternalSlave("s", _serverSide!, _time);
        Assert.Null(slave.Offset());

        slave.Report(Sent(_time.GetUtcNow(), 2000, delayMs: 7));
        _time.Advance(TimeSpan.FromSeconds(1));
        slave.Report(Sent(_time.GetUtcNow(), 2000, delayMs: 0.2));
        _time.Advance(TimeSpan.FromSeconds(1));
        slave.Report(Sent(_time.GetUtcNow(), 2000, delayMs: 3));

        Assert.Equal(1.9998, slave.Offset()!.Value, 9);
        Assert.Equal(Ticks(_time.GetUtcNow()) + (long)(1.9998 * TimeSpan.TicksPerSecond), slave.Estimate());
    }

    [Fact]
    public async Task Correction_SendsTheTimeTheClockShouldRead_ThenAssumesIt_UntilReportsSayOtherwise()
    {
        var slave = new ExternalSlave("s", _serverSide!, _time);
        slave.Report(Sent(_time.GetUtcNow(), 2000, delayMs: 0));

        var sent = await slave.CorrectAsync(-2.0, CancellationToken.None);

        Assert.NotNull(sent);
        Assert.True(PythonDateTime.TryParse(sent, out var target));
        Assert.Equal(Ticks(_time.GetUtcNow()) / 10, target / 10);
        var buffer = new byte[64];
        var read = await _slaveSide!.GetStream().ReadAsync(buffer);
        Assert.Equal(sent, Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(0, slave.Offset()!.Value, 9);

        // a report that left the slave before the correction reached it is ignored
        _time.Advance(TimeSpan.FromMilliseconds(50));
        slave.Report(Sent(_time.GetUtcNow(), 2000, delayMs: 1));
        Assert.Equal(0, slave.Offset()!.Value, 9);

        // the slave applied it 4 ms late: its next report shows it
        _time.Advance(TimeSpan.FromSeconds(1));
        slave.Report(Sent(_time.GetUtcNow(), -4, delayMs: 0.1));
        Assert.Equal(-0.0041, slave.Offset()!.Value, 9);
    }

    [Fact]
    public async Task SmallCorrections_AreNotSent()
    {
        var slave = new ExternalSlave("s", _serverSide!, _time);
        Assert.Null(await slave.CorrectAsync(1.0, CancellationToken.None));
        slave.Report(Sent(_time.GetUtcNow(), 0.5, delayMs: 0));

        Assert.Null(await slave.CorrectAsync(-0.0015, CancellationToken.None));
        Assert.NotNull(await slave.CorrectAsync(-0.0025, CancellationToken.None));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
