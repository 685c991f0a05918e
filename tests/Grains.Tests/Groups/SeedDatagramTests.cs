using System.Text;
using OrleansDist.Client.Groups;

namespace OrleansDist.Grains.Tests.Groups;

public sealed class SeedDatagramTests
{
    [Theory]
    [InlineData("Kya re?1", "Kya re?", '1')]
    [InlineData("Hello2", "Hello", '2')]
    [InlineData("3", "", '3')]
    [InlineData("Sojata hu mai3", "Sojata hu mai", '3')]
    public void TheSeedsDatagramsParse(string datagram, string text, char digit)
    {
        var (parsed, d, error) = SeedDatagram.Parse(Encoding.UTF8.GetBytes(datagram));
        Assert.Null(error);
        Assert.Equal(text, parsed);
        Assert.Equal(digit, d);
    }

    [Fact]
    public void MalformedDatagramsGiveAReason()
    {
        Assert.StartsWith("empty datagram", SeedDatagram.Parse([]).Error);
        Assert.StartsWith("datagram does not end with the client's digit (last character 'x')", SeedDatagram.Parse("hix"u8).Error);
        Assert.Equal("datagram is not UTF-8 text", SeedDatagram.Parse([0xff, 0xfe, 0x31]).Error);
        Assert.StartsWith("datagram of 1025 bytes", SeedDatagram.Parse(new byte[1025]).Error);
        Assert.Equal("message text holds control characters", SeedDatagram.Parse("a\u0001b1"u8).Error);
    }
}
