using Dist.GrainInterfaces.Clocks;
using OrleansDist.Grains.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

public sealed class SimulatedClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 19, 20, 1, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => Start.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    [Fact]
    public void Reading_IsRealTimePlusSkew()
    {
        var clock = SimulatedClock.Create(new ClockSettings { SkewSeconds = 2.5 }, Start);

        Assert.Equal(2.5, clock.OffsetAt(At(10)), 9);
        Assert.Equal(SimulatedClock.UnixTicks(At(10)) + (25 * TimeSpan.TicksPerSecond / 10), clock.ReadUnixTicks(At(10)));
    }

    [Fact]
    public void Drift_AccumulatesPpmOfElapsedTime()
    {
        var clock = SimulatedClock.Create(new ClockSettings { DriftPpm = 80 }, Start);

        Assert.Equal(0, clock.OffsetAt(Start), 12);
        Assert.Equal(80e-6, clock.OffsetAt(At(1)), 12);
        Assert.Equal(0.008, clock.OffsetAt(At(100)), 12);
    }

    [Fact]
    public void Slew_MovesAtTheBoundedRateUntilTheCorrectionIsAbsorbed()
    {
        var clock = SimulatedClock.Create(new ClockSettings { MaxSlewPpm = 500 }, Start);

        Assert.Equal(AdjustOutcome.Slewed, clock.Adjust(-0.001, AdjustMode.Auto, Start));

        Assert.Equal(-0.00025, clock.OffsetAt(At(0.5)), 12);
        Assert.Equal(-0.00075, clock.PendingSlewAt(At(0.5)), 12);
        Assert.Equal(-0.001, clock.OffsetAt(At(2)), 12);
        Assert.Equal(-0.001, clock.OffsetAt(At(60)), 12);
        Assert.Equal(0, clock.PendingSlewAt(At(60)), 12);
    }

    [Fact]
    public void Slew_NeverMakesTheClockRunBackwards()
    {
        var clock = SimulatedClock.Create(new ClockSettings { MaxSlewPpm = 2000 }, Start);
        clock.Adjust(-0.1, AdjustMode.Slew, Start);

        var previous = long.MinValue;
        for (var ms = 0; ms <= 2000; ms += 7)
        {
            var reading = clock.ReadUnixTicks(At(ms / 1000.0));
            Assert.True(reading > previous, $"reading went backwards at {ms} ms");
            previous = reading;
        }
    }

    [Fact]
    public void Auto_StepsCorrectionsAtLeastTheThreshold()
    {
        var clock = SimulatedClock.Create(new ClockSettings { SkewSeconds = 2.5, StepThresholdSeconds = 0.128 }, Start);

        Assert.Equal(AdjustOutcome.Stepped, clock.Adjust(-2.5, AdjustMode.Auto, At(1)));
        Assert.Equal(0, clock.OffsetAt(At(1)), 12);
        Assert.Equal(AdjustOutcome.Slewed, clock.Adjust(0.127, AdjustMode.Auto, At(1)));
        Assert.Equal(AdjustOutcome.Stepped, clock.Adjust(0.001, AdjustMode.Step, At(1)));
        Assert.Equal(0.001, clock.OffsetAt(At(1)), 12);
    }

    [Fact]
    public void ANewCorrection_ReplacesTheSlewStillPending()
    {
        var clock = SimulatedClock.Create(new ClockSettings { MaxSlewPpm = 1000 }, Start);
        clock.Adjust(0.010, AdjustMode.Slew, Start);
        Assert.Equal(0.001, clock.OffsetAt(At(1)), 12);

        // measured from the reading at 1 s, which includes the 1 ms slewed so far: 0.5 ms more is all that is left to do
        clock.Adjust(0.0005, AdjustMode.Slew, At(1));

        Assert.Equal(0.0015, clock.OffsetAt(At(10)), 12);
    }

    [Fact]
    public void DriftAndSlew_Add()
    {
        var clock = SimulatedClock.Create(new ClockSettings { DriftPpm = -100, MaxSlewPpm = 500 }, Start);
        clock.Adjust(0.0002, AdjustMode.Slew, Start);

        // after 1 s: -100 µs of drift, +200 µs of slew (done after 0.4 s)
        Assert.Equal(0.0001, clock.OffsetAt(At(1)), 12);
    }

    [Fact]
    public void State_RestoresTheSameClock()
    {
        var clock = SimulatedClock.Create(new ClockSettings { SkewSeconds = -1.2, DriftPpm = 37 }, Start);
        clock.Adjust(0.003, AdjustMode.Slew, At(5));

        var restored = new SimulatedClock(clock.State);

        Assert.Equal(clock.ReadUnixTicks(At(7.3)), restored.ReadUnixTicks(At(7.3)));
        Assert.Equal(clock.PendingSlewAt(At(5.5)), restored.PendingSlewAt(At(5.5)));
    }

    [Fact]
    public void RealTimeBeforeTheAnchor_DoesNotRunTheModelBackwards()
    {
        var clock = SimulatedClock.Create(new ClockSettings { SkewSeconds = 1, DriftPpm = 100 }, Start);

        Assert.Equal(1, clock.OffsetAt(At(-10)), 12);
    }

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 0, 500, -1)]
    [InlineData(double.NaN, 0, 500, 0)]
    [InlineData(0, double.PositiveInfinity, 500, 0)]
    public void BadSettings_AreRefused(double skew, double drift, double slew, double step)
    {
        Assert.Throws<ArgumentException>(() => SimulatedClock.Create(
            new ClockSettings { SkewSeconds = skew, DriftPpm = drift, MaxSlewPpm = slew, StepThresholdSeconds = step }, Start));
    }

    [Fact]
    public void NonFiniteCorrection_IsRefused()
    {
        var clock = SimulatedClock.Create(new ClockSettings(), Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Adjust(double.NaN, AdjustMode.Auto, Start));
    }
}
