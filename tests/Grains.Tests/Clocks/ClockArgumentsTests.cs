using OrleansDist.Client;
using OrleansDist.Client.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

public sealed class ClockArgumentsTests
{
    private static readonly string[] Clocks = ["KMC", "MIT", "TAPMI", "SOLS"];

    [Theory]
    [InlineData("+2.5s", 2.5)]
    [InlineData("-1.2s", -1.2)]
    [InlineData("10ms", 0.01)]
    [InlineData("250us", 0.00025)]
    [InlineData("+1h", 3600)]
    [InlineData("2min", 120)]
    [InlineData(".5s", 0.5)]
    public void Durations(string text, double seconds) => Assert.Equal(seconds, ClockArguments.ParseDuration(text, "--x"), 12);

    [Theory]
    [InlineData("abc")]
    [InlineData("2.5")]
    [InlineData("s")]
    [InlineData("1e3s")]
    [InlineData("1 day")]
    public void BadDurations_SayWhatIsExpected(string text)
    {
        var error = Assert.Throws<UsageException>(() => ClockArguments.ParseDuration(text, "--period"));
        Assert.Contains($"--period: '{text}' is not a duration", error.Message);
    }

    [Fact]
    public void NegativeOrZeroPeriods_AreRefused()
    {
        Assert.Contains("--period must be positive", Assert.Throws<UsageException>(() => ClockArguments.ParsePositiveDuration("-1s", "--period")).Message);
        Assert.Throws<UsageException>(() => ClockArguments.ParsePositiveDuration("0s", "--period"));
    }

    [Fact]
    public void Maps_NameClocksCaseInsensitively()
    {
        var skews = ClockArguments.ParseMap("kmc=+2.5s, MIT=-1.2s", "--skew", Clocks, ClockArguments.ParseDuration);

        Assert.Equal(2.5, skews["KMC"]);
        Assert.Equal(-1.2, skews["MIT"]);
        Assert.Equal(80, ClockArguments.ParseMap("TAPMI=+80ppm", "--drift", Clocks, ClockArguments.ParsePpm)["TAPMI"]);
    }

    [Fact]
    public void BadValue_NamesTheClockAndTheValue()
    {
        var error = Assert.Throws<UsageException>(() => ClockArguments.ParseMap("KMC=abc", "--skew", Clocks, ClockArguments.ParseDuration));

        Assert.Equal("--skew KMC: 'abc' is not a duration (e.g. +2.5s, -1.2s, 300ms, 250us, 2min, 1h)", error.Message);
    }

    [Fact]
    public void UnknownClock_ListsTheKnownOnes()
    {
        var error = Assert.Throws<UsageException>(() => ClockArguments.ParseMap("IIT=+1s", "--skew", Clocks, ClockArguments.ParseDuration));

        Assert.Contains("unknown clock 'IIT' (the clocks are KMC, MIT, TAPMI, SOLS", error.Message);
    }

    [Theory]
    [InlineData("KMC")]
    [InlineData("KMC=1s,KMC=2s")]
    public void MalformedMaps_AreRefused(string text) =>
        Assert.Throws<UsageException>(() => ClockArguments.ParseMap(text, "--skew", Clocks, ClockArguments.ParseDuration));

    [Theory]
    [InlineData("fast")]
    [InlineData("+200000ppm")]
    public void BadDrifts_AreRefused(string text) => Assert.Throws<UsageException>(() => ClockArguments.ParsePpm(text, "--drift"));

    [Fact]
    public void ClockLists()
    {
        Assert.Equal(["A", "B-2"], ClockArguments.ParseClocks(" A, B-2 "));
        Assert.Throws<UsageException>(() => ClockArguments.ParseClocks(""));
        Assert.Throws<UsageException>(() => ClockArguments.ParseClocks("A,a"));
        Assert.Throws<UsageException>(() => ClockArguments.ParseClocks("master"));
        Assert.Throws<UsageException>(() => ClockArguments.ParseClocks("K M C"));
    }
}
