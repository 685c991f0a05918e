using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class SourceAddressPlanTests
{
    [Theory]
    [InlineData(0, "127.0.0.10")]
    [InlineData(1, "127.0.0.11")]
    [InlineData(15, "127.0.0.25")]
    [InlineData(244, "127.0.0.254")]
    public void LoopbackServer_GivesEachFetcherItsOwnLoopbackAddress(int index, string expected)
    {
        Assert.Equal(expected, SourceAddressPlan.For(index, [], serverIsLoopback: true));
    }

    [Fact]
    public void LoopbackAddresses_AreDistinctAndNever127001()
    {
        var addresses = Enumerable.Range(0, SourceAddressPlan.MaxLoopbackFetchers).Select(i => SourceAddressPlan.For(i, [], true)).ToList();

        Assert.Equal(245, SourceAddressPlan.MaxLoopbackFetchers);
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.DoesNotContain("127.0.0.1", addresses);
        Assert.DoesNotContain("127.0.0.255", addresses);
        Assert.All(addresses, a => Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(a!))));
    }

    [Theory]
    [InlineData(245)]
    [InlineData(1000)]
    public void TooManyFetchers_ForLoopback_Throws(int index)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SourceAddressPlan.For(index, [], serverIsLoopback: true));
        Assert.Contains("245", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(500)]
    public void RemoteServer_LetsTheSystemChoose(int index)
    {
        Assert.Null(SourceAddressPlan.For(index, [], serverIsLoopback: false));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExplicitAddresses_AreUsedInTurn(bool serverIsLoopback)
    {
        string[] explicitAddresses = ["10.0.0.5", "10.0.0.6", "fe80::1"];

        var chosen = Enumerable.Range(0, 7).Select(i => SourceAddressPlan.For(i, explicitAddresses, serverIsLoopback)).ToList();

        Assert.Equal(["10.0.0.5", "10.0.0.6", "fe80::1", "10.0.0.5", "10.0.0.6", "fe80::1", "10.0.0.5"], chosen);
    }

    [Fact]
    public void ExplicitAddresses_AreNotLimitedByTheLoopbackCount()
    {
        Assert.Equal("10.0.0.1", SourceAddressPlan.For(300, ["10.0.0.1"], serverIsLoopback: true));
    }

    [Fact]
    public void Validate_AcceptsIpAddresses()
    {
        Assert.Null(SourceAddressPlan.Validate([]));
        Assert.Null(SourceAddressPlan.Validate(["127.0.0.10", "10.184.42.12", "::1", "fe80::1234"]));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("example.com")]
    [InlineData("")]
    [InlineData("10.0.0.1:80")]
    [InlineData("not an address")]
    public void Validate_RejectsWhatIsNotAnIpAddress(string bad)
    {
        Assert.Equal($"source address '{bad}' is not an IP address", SourceAddressPlan.Validate(["10.0.0.1", bad, "also bad"]));
    }
}
