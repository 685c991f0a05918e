using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class FetcherPlacementPlanTests
{
    private static FetcherSilo Silo(string name, string host) => new(name, host);

    private static readonly FetcherSilo A = Silo("silo-a", "host-1");
    private static readonly FetcherSilo B = Silo("silo-b", "host-2");
    private static readonly FetcherSilo C = Silo("silo-c", "host-3");

    /// <summary>Places fetchers 0..count-1 one after another, each seeing where the earlier ones went.</summary>
    private static List<string> PlaceFresh(IReadOnlyList<FetcherSilo> silos, int count)
    {
        var placed = new List<string>();
        for (var index = 0; index < count; index++)
        {
            var silo = FetcherPlacementPlan.ChooseSilo(silos, index, placed);
            Assert.NotNull(silo);
            placed.Add(silo.Name);
        }

        return placed;
    }

    [Fact]
    public void NoSilos_GivesNull()
    {
        Assert.Null(FetcherPlacementPlan.ChooseSilo([], 0, []));
        Assert.Null(FetcherPlacementPlan.ChooseSilo([], 3, ["silo-a"]));
    }

    [Fact]
    public void OneSilo_TakesEveryFetcher()
    {
        Assert.Equal(["silo-a", "silo-a", "silo-a"], PlaceFresh([A], 3));
    }

    [Fact]
    public void FreshDownload_OverTwoSilos_IsRoundRobin()
    {
        Assert.Equal(["silo-a", "silo-b", "silo-a", "silo-b"], PlaceFresh([A, B], 4));
    }

    [Fact]
    public void FreshDownload_OverThreeSilos_IsRoundRobin()
    {
        Assert.Equal(["silo-a", "silo-b", "silo-c", "silo-a"], PlaceFresh([A, B, C], 4));
        Assert.Equal(["silo-a", "silo-b", "silo-c", "silo-a", "silo-b", "silo-c"], PlaceFresh([A, B, C], 6));
    }

    [Theory]
    [InlineData(2, 7)]
    [InlineData(3, 10)]
    [InlineData(4, 9)]
    public void FreshDownload_SpreadsEvenly(int siloCount, int fetchers)
    {
        var silos = Enumerable.Range(0, siloCount).Select(i => Silo($"s{i}", $"h{i}")).ToList();

        var counts = PlaceFresh(silos, fetchers).CountBy(n => n).Select(p => p.Value).ToList();

        Assert.Equal(siloCount, counts.Count);
        Assert.InRange(counts.Max() - counts.Min(), 0, 1);
    }

    [Theory]
    [InlineData(0, "silo-a")]
    [InlineData(1, "silo-b")]
    [InlineData(2, "silo-c")]
    [InlineData(3, "silo-a")]
    [InlineData(7, "silo-b")]
    public void WithNoOtherFetchers_TheIndexRotatesTheSiloOrder(int index, string expected)
    {
        Assert.Equal(expected, FetcherPlacementPlan.ChooseSilo([A, B, C], index, [])?.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void PrefersTheSiloWithFewestFetchers(int index)
    {
        Assert.Equal("silo-c", FetcherPlacementPlan.ChooseSilo([A, B, C], index, ["silo-a", "silo-a", "silo-b"])?.Name);
    }

    [Fact]
    public void RestartedFetcher_GoesWhereFetchersAreMissing()
    {
        // 4 fetchers were on a, b, c, a; the one on c is being restarted
        Assert.Equal("silo-c", FetcherPlacementPlan.ChooseSilo([A, B, C], 2, ["silo-a", "silo-b", "silo-a"])?.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void AmongEquallyLoadedSilos_PrefersTheLessLoadedHost(int index)
    {
        var a1 = Silo("a1", "host-x");
        var a2 = Silo("a2", "host-x");
        var b1 = Silo("b1", "host-y");

        // a2 and b1 both run none, but a2's machine already runs one
        Assert.Equal("b1", FetcherPlacementPlan.ChooseSilo([a1, a2, b1], index, ["a1"])?.Name);
    }

    [Fact]
    public void FewerFetchersOnTheSilo_WinsOverFewerOnTheHost()
    {
        var a1 = Silo("a1", "host-x");
        var a2 = Silo("a2", "host-x");
        var b1 = Silo("b1", "host-y");

        // a2 has none (its host has two), b1 has one (its host has one): the silo count decides first
        Assert.Equal("a2", FetcherPlacementPlan.ChooseSilo([a1, a2, b1], 2, ["a1", "a1", "b1"])?.Name);
    }

    [Fact]
    public void FreshDownload_OverTwoMachinesWithTwoSilosEach_AlternatesMachines()
    {
        var silos = new[] { Silo("x1", "host-x"), Silo("x2", "host-x"), Silo("y1", "host-y"), Silo("y2", "host-y") };

        var placed = PlaceFresh(silos, 4);

        var hosts = placed.Select(n => silos.Single(s => s.Name == n).Host).ToList();
        Assert.Equal(4, placed.Distinct().Count());
        Assert.NotEqual(hosts[0], hosts[1]);
        Assert.Equal(2, hosts.Count(h => h == "host-x"));
    }

    [Fact]
    public void FetchersOnSilosThatAreNotActive_AreIgnored()
    {
        Assert.Equal("silo-a", FetcherPlacementPlan.ChooseSilo([A, B], 0, ["gone-1", "gone-1", "gone-2"])?.Name);
        Assert.Equal("silo-b", FetcherPlacementPlan.ChooseSilo([A, B], 0, ["gone-1", "silo-a"])?.Name);
    }

    [Fact]
    public void SiloNames_MatchIgnoringCase()
    {
        Assert.Equal("silo-b", FetcherPlacementPlan.ChooseSilo([A, B], 0, ["SILO-A"])?.Name);
    }
}
