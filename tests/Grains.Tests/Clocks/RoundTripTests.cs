using OrleansDist.Grains.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

public sealed class RoundTripTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;

    [Fact]
    public void SymmetricDelay_GivesTheExactOffset()
    {
        // remote 2.5 s ahead; 0.4 ms each way: sent at 0, read at 0.4 ms (remote shows 2500.4 ms), received at 0.8 ms
        var trip = new RoundTrip(0, (2500 * Ms) + (4 * Ms / 10), 8 * Ms / 10);

        Assert.Equal(2.5, trip.OffsetSeconds, 12);
        Assert.Equal(0.0008, trip.RoundTripSeconds, 12);
        Assert.Equal(0.0004, trip.BoundSeconds, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(1.0)]
    public void AsymmetricDelay_StaysWithinHalfTheRoundTrip(double whereInTheTrip)
    {
        const long Rtt = 2 * Ms;
        var remoteReadAt = (long)(whereInTheTrip * Rtt);
        var trip = new RoundTrip(1000 * Ms, 1000 * Ms + remoteReadAt - (7 * Ms), 1000 * Ms + Rtt);

        var error = trip.OffsetSeconds - (-0.007);

        Assert.True(Math.Abs(error) <= trip.BoundSeconds + 1e-12, $"error {error} outside ±{trip.BoundSeconds}");
    }

    [Fact]
    public void Cristian_ClientSetToServerPlusHalfTheRoundTrip()
    {
        // client at 10 000 ms sends, the server answers 12 500 ms, the reply comes at 10 006 ms (client clock)
        var trip = new RoundTrip(10_000 * Ms, 12_500 * Ms, 10_006 * Ms);

        var clientAfter = (10_006 * Ms) + (long)(trip.OffsetSeconds * TimeSpan.TicksPerSecond);

        Assert.Equal((12_500 * Ms) + (3 * Ms), clientAfter);
    }

    [Fact]
    public void Best_IsTheSmallestRoundTrip_FirstOfEquals()
    {
        RoundTrip[] samples = [new(0, 5, 30), new(100, 105, 110), new(200, 205, 240), new(300, 305, 310)];

        Assert.Equal(1, RoundTrip.Best(samples));
        Assert.Throws<ArgumentOutOfRangeException>(() => RoundTrip.Best([]));
    }

    [Fact]
    public void PlacementPlan_GivesEachClockItsOwnSiloWhenThereAreEnough()
    {
        Assert.Equal([0, 1, 2, 0], ClockPlacementPlan.Assign(4, 3));
        Assert.Equal([0, 1, 2, 3], ClockPlacementPlan.Assign(4, 6));
        Assert.Equal([null, null], ClockPlacementPlan.Assign(2, 0));
    }
}
