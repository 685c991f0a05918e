using OrleansDist.Client.Clocks;

namespace OrleansDist.Grains.Tests.Clocks;

public sealed class PythonDateTimeTests
{
    private static long Local(int h, int m, int s, int micro) =>
        (TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, 11, 29, h, m, s, DateTimeKind.Unspecified), TimeZoneInfo.Local).Ticks
            - DateTimeOffset.UnixEpoch.UtcTicks) + (micro * 10L);

    [Fact]
    public void Format_IsPythonsStr_WithAndWithoutMicroseconds()
    {
        Assert.Equal("2026-11-29 19:20:01.123456", PythonDateTime.Format(Local(19, 20, 1, 123456)));
        Assert.Equal("2026-11-29 19:20:01.000001", PythonDateTime.Format(Local(19, 20, 1, 1)));
        // str() leaves the fraction out when the microseconds are 0
        Assert.Equal("2026-11-29 19:20:01", PythonDateTime.Format(Local(19, 20, 1, 0)));
    }

    [Fact]
    public void Parse_TakesBothForms()
    {
        Assert.True(PythonDateTime.TryParse("2026-11-29 19:20:01.123456", out var withFraction));
        Assert.Equal(Local(19, 20, 1, 123456), withFraction);
        Assert.True(PythonDateTime.TryParse("2026-11-29 19:20:01", out var without));
        Assert.Equal(Local(19, 20, 1, 0), without);
    }

    [Theory]
    [InlineData("2026-11-29T19:20:01")]
    [InlineData("2026-13-29 19:20:01")]
    [InlineData("2026-11-29 19:20:01.12")]
    [InlineData("hello")]
    public void Parse_RefusesOtherText(string text) => Assert.False(PythonDateTime.TryParse(text, out _));

    [Fact]
    public void TakeAll_SplitsTimestampsThatArrivedTogether_AndKeepsAPartialOne()
    {
        var readings = new List<long>();
        const string Buffer = "2026-11-29 19:20:01.1234562026-11-29 19:20:02 2026-11-29 19:2";

        var used = PythonDateTime.TakeAll(Buffer, readings, out var malformed);

        Assert.False(malformed);
        Assert.Equal([Local(19, 20, 1, 123456), Local(19, 20, 2, 0)], readings);
        Assert.Equal("2026-11-29 19:2", Buffer[used..]);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("2026-11-29 19:20:01.123456 garbage")]
    [InlineData("2026-11-29 25:20:01")]
    public void TakeAll_FlagsMalformedInput(string buffer)
    {
        PythonDateTime.TakeAll(buffer, [], out var malformed);

        Assert.True(malformed);
    }
}
