using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// A Berkeley slave connected over TCP (the seed's protocol). Its clock is known from its last report: the reading it
/// sent plus the time since that arrived (its clock is assumed to run at the real rate in between). After the endpoint
/// sends it the time its clock should read, the estimate moves by the correction too: the seed's slave sets its clock
/// to the time it receives, and its next report confirms it.
/// </summary>
internal sealed class ExternalSlave(string name, TcpClient connection)
{
    private readonly object _gate = new();
    private long _reportedTicks;
    private long _receivedAt;
    private double _pendingCorrectionSeconds;
    private bool _hasReport;

    public string Name { get; } = name;

    public TcpClient Connection { get; } = connection;

    public int Reports { get; private set; }

    public void Report(long unixTicks)
    {
        lock (_gate)
        {
            _reportedTicks = unixTicks;
            _receivedAt = Stopwatch.GetTimestamp();
            _pendingCorrectionSeconds = 0;
            _hasReport = true;
            Reports++;
        }
    }

    /// <summary>The slave's clock now, as far as the endpoint knows; null before its first report.</summary>
    public long? Estimate()
    {
        lock (_gate)
        {
            return _hasReport
                ? _reportedTicks + Stopwatch.GetElapsedTime(_receivedAt).Ticks + (long)Math.Round(_pendingCorrectionSeconds * TimeSpan.TicksPerSecond)
                : null;
        }
    }

    /// <summary>Sends the time the slave's clock should read now (its estimate plus the correction), one write.</summary>
    public async Task<string?> CorrectAsync(double deltaSeconds, CancellationToken cancellationToken)
    {
        string text;
        lock (_gate)
        {
            if (!_hasReport)
            {
                return null;
            }

            var target = _reportedTicks + Stopwatch.GetElapsedTime(_receivedAt).Ticks + (long)Math.Round((_pendingCorrectionSeconds + deltaSeconds) * TimeSpan.TicksPerSecond);
            text = PythonDateTime.Format(target);
            _pendingCorrectionSeconds += deltaSeconds;
        }

        await Connection.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        return text;
    }
}
