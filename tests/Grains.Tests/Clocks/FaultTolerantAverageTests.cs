using OrleansDist.Grains.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

public sealed class FaultTolerantAverageTests
{
    [Fact]
    public void ALiar_IsLeftOut_AndDoesNotMoveTheAverage()
    {
        var result = FaultTolerantAverage.Compute([("master", 0), ("KMC", 0.4), ("MIT", -0.2), ("TAPMI", 0.1), ("SOLS", 3_600_000)], threshold: 10);

        Assert.Equal(["SOLS"], result.Excluded);
        Assert.Equal(["master", "KMC", "MIT", "TAPMI"], result.Included);
        Assert.Equal(0.075, result.Average, 12);
        Assert.Equal(0.1, result.Median, 12);
    }

    [Fact]
    public void NaiveAverage_WouldHaveBeenDragged_ThisOneIsNot()
    {
        var readings = new List<(string, double)> { ("master", 0), ("a", 1), ("b", -1), ("liar", 1000) };

        var result = FaultTolerantAverage.Compute(readings, threshold: 5);

        Assert.Equal(0, result.Average, 12);
        Assert.Equal(250, readings.Average(r => r.Item2), 12);
    }

    [Fact]
    public void SkewsOfSeconds_AreLeftOutOfTheAverage_WhenTheRestAgree()
    {
        var result = FaultTolerantAverage.Compute([("master", 0), ("KMC", 2500), ("MIT", -1200), ("TAPMI", 0.02), ("SOLS", -0.04)], threshold: 10);

        Assert.Equal(["KMC", "MIT"], result.Excluded);
        Assert.Equal(-0.02 / 3, result.Average, 12);
    }

    [Fact]
    public void EvenCount_TakesTheLowerMiddleReading_SoOneAlwaysCounts()
    {
        var result = FaultTolerantAverage.Compute([("master", 0), ("KMC", 2500)], threshold: 10);

        Assert.Equal(0, result.Median);
        Assert.Equal(["master"], result.Included);
        Assert.Equal(0, result.Average);
    }

    [Fact]
    public void ReadingsExactlyAtTheThreshold_Count()
    {
        var result = FaultTolerantAverage.Compute([("a", 0), ("b", 10), ("c", -10), ("d", 10.001)], threshold: 10);

        Assert.Equal(["d"], result.Excluded);
    }

    [Fact]
    public void NoReadings_OrANegativeThreshold_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultTolerantAverage.Compute([], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultTolerantAverage.Compute([("a", 0)], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultTolerantAverage.Compute([("a", 0)], double.NaN));
    }

    [Fact]
    public void Spread_LeavesOutOnlyClocksStillFarFromTheMedian()
    {
        var result = OffsetSpread.Compute([("master", 0.01), ("KMC", -0.02), ("MIT", 0.03), ("SOLS", 3_600_000)], threshold: 10);

        Assert.Equal(0.05, result.Spread, 12);
        Assert.Equal(["SOLS"], result.Faulty);
        Assert.Equal(3_600_000.02, result.SpreadAll, 6);
    }
}
