using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1MiB", 1L << 20)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("200MiB", 200L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("4MB", 4_000_000)]
    [InlineData("1500", 1500)]
    [InlineData(" 2 mib ", 2L << 20)]
    public void Sizes_parse(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("-1MiB")]
    [InlineData("1XB")]
    [InlineData("1e400")]
    public void Bad_sizes_do_not(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData("20MiB/s", 20L << 20)]
    [InlineData("0", 0)]
    [InlineData("unlimited", 0)]
    [InlineData("100KiB", 100L << 10)]
    public void Rates_parse(string text, long expected)
    {
        Assert.True(ByteSize.TryParseRate(text, out var rate));
        Assert.Equal(expected, rate);
    }
}
