using System.Net.Sockets;
using System.Text;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// A Berkeley slave connected over TCP (the seed's protocol), as the endpoint knows it: its offset from this host's real
/// clock. Each report gives the offset minus the report's one-way delay; of the reports since the last correction the
/// one showing the largest offset (the least delayed) is kept, as the smallest round trip is for the grains. Right after
/// the endpoint sends a correction the offset is taken to be what it asked for (the seed's slave sets its clock to the
/// time it receives), until the slave's reports say otherwise. Reports arriving within <see cref="SettleTime"/> of a
/// correction are ignored: the slave may have read its clock before the correction reached it.
/// A correction smaller than <see cref="Deadband"/> is not sent: each message the slave applies carries a fresh delivery
/// delay (its receiving thread, its parser), so resending an accurate time would only replace a setting its reports
/// have checked with one nobody has checked yet.
/// </summary>
internal sealed class ExternalSlave(string name, TcpClient connection, TimeProvider time)
{
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);
    public const double Deadband = 0.002;
    private const int Kept = 5;

    private readonly Lock _gate = new();
    private readonly List<double> _offsetsSinceCorrection = [];
    private double? _assumedOffset;
    private DateTimeOffset _correctedAt = DateTimeOffset.MinValue;

    public string Name { get; } = name;

    public TcpClient Connection { get; } = connection;

    public void Report(long unixTicks)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now - _correctedAt < SettleTime)
            {
                return;
            }

            _offsetsSinceCorrection.Add((unixTicks - UnixTicks(now)) / (double)TimeSpan.TicksPerSecond);
            if (_offsetsSinceCorrection.Count > Kept)
            {
                _offsetsSinceCorrection.RemoveAt(0);
            }
        }
    }

    /// <summary>The slave's offset from this host's real time, seconds; null before its first report.</summary>
    public double? Offset()
    {
        lock (_gate)
        {
            return _offsetsSinceCorrection.Count > 0 ? _offsetsSinceCorrection.Max() : _assumedOffset;
        }
    }

    /// <summary>The slave's clock now, as far as the endpoint knows; null before its first report.</summary>
    public long? Estimate() => Offset() is { } offset ? UnixTicks(time.GetUtcNow()) + (long)Math.Round(offset * TimeSpan.TicksPerSecond) : null;

    /// <summary>
    /// Sends the time the slave's clock should read now (its estimate plus the correction), one write; returns it, or
    /// null when nothing was sent (no report yet, or a correction inside the deadband).
    /// </summary>
    public async Task<string?> CorrectAsync(double deltaSeconds, CancellationToken cancellationToken)
    {
        string text;
        lock (_gate)
        {
            var offset = _offsetsSinceCorrection.Count > 0 ? _offsetsSinceCorrection.Max() : _assumedOffset;
            if (offset is null || Math.Abs(deltaSeconds) < Deadband)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var target = offset.Value + deltaSeconds;
            text = PythonDateTime.Format(UnixTicks(now) + (long)Math.Round(target * TimeSpan.TicksPerSecond));
            _assumedOffset = target;
            _offsetsSinceCorrection.Clear();
            _correctedAt = now;
        }

        await Connection.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        return text;
    }

    private static long UnixTicks(DateTimeOffset time) => time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
}
