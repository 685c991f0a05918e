using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Grains.Clocks;

/// <summary>
/// A simulated hardware clock over real time: reading = real time + offset + drift × elapsed + slew progress. Every
/// adjustment re-anchors the clock at the current real time, so the state stays small and persistable. A slew moves
/// the clock at most <c>MaxSlewPpm</c> faster or slower than its free-running rate until the correction is absorbed; a
/// correction at least <c>StepThresholdSeconds</c> large is stepped instead (as NTP does above 128 ms), so skews of
/// seconds are gone after one round while small residuals are slewed and the clock never jumps.
/// </summary>
public sealed class SimulatedClock
{
    private const double TicksPerSecond = TimeSpan.TicksPerSecond;

    public SimulatedClock(SimulatedClockState state) => State = state;

    public SimulatedClockState State { get; private set; }

    public static SimulatedClock Create(ClockSettings settings, DateTimeOffset now)
    {
        if (!(settings.MaxSlewPpm > 0) || !(settings.StepThresholdSeconds >= 0) || !double.IsFinite(settings.SkewSeconds) || !double.IsFinite(settings.DriftPpm))
        {
            throw new ArgumentException("a clock needs a finite skew and drift, a positive slew bound and a non-negative step threshold", nameof(settings));
        }

        return new SimulatedClock(new SimulatedClockState
        {
            AnchorUnixTicks = UnixTicks(now),
            OffsetSeconds = settings.SkewSeconds,
            DriftPpm = settings.DriftPpm,
            MaxSlewPpm = settings.MaxSlewPpm,
            StepThresholdSeconds = settings.StepThresholdSeconds,
        });
    }

    public static long UnixTicks(DateTimeOffset time) => time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>How far the clock is ahead of real time at <paramref name="now"/>, seconds.</summary>
    public double OffsetAt(DateTimeOffset now)
    {
        var elapsed = Elapsed(now);
        return State.OffsetSeconds + (State.DriftPpm * 1e-6 * elapsed) + SlewDone(elapsed);
    }

    /// <summary>The slew still to be applied at <paramref name="now"/>, seconds.</summary>
    public double PendingSlewAt(DateTimeOffset now) => State.PendingSlewSeconds - SlewDone(Elapsed(now));

    /// <summary>What the clock shows at real time <paramref name="now"/>, in ticks since the Unix epoch.</summary>
    public long ReadUnixTicks(DateTimeOffset now) => UnixTicks(now) + (long)Math.Round(OffsetAt(now) * TicksPerSecond);

    /// <summary>
    /// Applies a correction of <paramref name="deltaSeconds"/>. It replaces a slew still in progress: a correction is
    /// computed from a reading that already includes the slew done so far, so it is the whole correction from now on.
    /// </summary>
    public AdjustOutcome Adjust(double deltaSeconds, AdjustMode mode, DateTimeOffset now)
    {
        if (!double.IsFinite(deltaSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(deltaSeconds), deltaSeconds, "a correction must be finite");
        }

        var step = mode == AdjustMode.Step || (mode == AdjustMode.Auto && Math.Abs(deltaSeconds) >= State.StepThresholdSeconds);
        var offset = OffsetAt(now);
        State = State with
        {
            AnchorUnixTicks = UnixTicks(now),
            OffsetSeconds = step ? offset + deltaSeconds : offset,
            PendingSlewSeconds = step ? 0 : deltaSeconds,
        };
        return step ? AdjustOutcome.Stepped : AdjustOutcome.Slewed;
    }

    /// <summary>Real time since the anchor, seconds (never negative: a reading never runs the model backwards).</summary>
    private double Elapsed(DateTimeOffset now) => Math.Max(0, (UnixTicks(now) - State.AnchorUnixTicks) / TicksPerSecond);

    private double SlewDone(double elapsed)
    {
        var pending = State.PendingSlewSeconds;
        var possible = State.MaxSlewPpm * 1e-6 * elapsed;
        return Math.Sign(pending) * Math.Min(Math.Abs(pending), possible);
    }
}
