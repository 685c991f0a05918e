using System.Globalization;
using System.Xml.Linq;
using OrleansDist.Client.Reporting;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class SvgLineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string svg) => XDocument.Parse(svg);

    private static SvgLineChart NewChart(string title = "Chart", string x = "x", string y = "y") => new() { Title = title, XLabel = x, YLabel = y };

    private static List<(double X, double Y)> Points(XElement polyline) =>
        [.. polyline.Attribute("points")!.Value.Split(' ').Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    [Fact]
    public void Output_IsWellFormedSvg_WithOnePolylinePerSeries()
    {
        var svg = NewChart("Download time", "fetchers", "seconds")
            .Add("measured", [(1, 10), (2, 5.2), (4, 2.9)], markers: true)
            .Add("ideal", [(1, 10), (2, 5), (4, 2.5)], dashed: true)
            .Add("third", [(0, 0), (3, 1)])
            .Render();

        var doc = Parse(svg);

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var polylines = doc.Descendants(Svg + "polyline").ToList();
        Assert.Equal(["measured", "ideal", "third"], polylines.Select(p => p.Attribute("data-name")?.Value));
        Assert.All(polylines, p => Assert.Equal("series", p.Attribute("class")?.Value));
        Assert.Equal([3, 3, 2], polylines.Select(p => Points(p).Count));
    }

    [Fact]
    public void Markers_DrawADotPerPoint_ButNotOnDashedSeries()
    {
        var doc = Parse(NewChart()
            .Add("dots", [(1, 1), (2, 2), (3, 3)], markers: true)
            .Add("dashed", [(1, 1), (2, 2)], dashed: true, markers: true)
            .Add("plain", [(1, 3), (2, 1)])
            .Render());

        Assert.Equal(3, doc.Descendants(Svg + "circle").Count());
        var polylines = doc.Descendants(Svg + "polyline").ToDictionary(p => p.Attribute("data-name")!.Value);
        Assert.NotNull(polylines["dashed"].Attribute("stroke-dasharray"));
        Assert.Null(polylines["dots"].Attribute("stroke-dasharray"));
        Assert.NotEqual(polylines["dots"].Attribute("stroke")!.Value, polylines["plain"].Attribute("stroke")!.Value);
    }

    [Fact]
    public void TitleLabelsAndNames_AreEscaped()
    {
        const string nasty = "<&> \"quoted\" 'single'";
        var svg = NewChart("T " + nasty, "X " + nasty, "Y " + nasty)
            .Add("S " + nasty, [(1, 1), (2, 2)])
            .Render();

        Assert.Contains("&lt;&amp;&gt;", svg);
        Assert.DoesNotContain("<&>", svg);
        var doc = Parse(svg);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("T " + nasty, texts);
        Assert.Contains("X " + nasty, texts);
        Assert.Contains("Y " + nasty, texts);
        Assert.Contains("S " + nasty, texts); // legend
        Assert.Equal("S " + nasty, Assert.Single(doc.Descendants(Svg + "polyline")).Attribute("data-name")!.Value);
    }

    [Fact]
    public void Legend_NamesEverySeries_EvenOneWithoutPoints()
    {
        var doc = Parse(NewChart().Add("empty", []).Add("full", [(0, 1), (1, 2)]).Render());

        Assert.Equal("full", Assert.Single(doc.Descendants(Svg + "polyline")).Attribute("data-name")!.Value);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("empty", texts);
        Assert.Contains("full", texts);
    }

    [Fact]
    public void EmptyChart_StillRenders()
    {
        var doc = Parse(NewChart("nothing").Render());

        Assert.Empty(doc.Descendants(Svg + "polyline"));
        Assert.Contains("nothing", doc.Descendants(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void SinglePointAndFlatSeries_Render()
    {
        Assert.NotNull(Parse(NewChart().Add("one", [(5, 5)]).Render()).Root);
        Assert.NotNull(Parse(NewChart().Add("flat", [(0, 0), (1, 0), (2, 0)]).Render()).Root);
        Assert.NotNull(Parse(NewChart().Add("negative", [(-3, -2), (4, -1)]).Render()).Root);
    }

    [Fact]
    public void Points_LieInsideThePlotArea()
    {
        var svg = NewChart().Add("a", [(0, 0), (1, 1000), (7.3, 13.7), (16, 999.5)]).Add("b", [(2, 3), (3, 700)]).Render();

        var doc = Parse(svg);
        var frame = doc.Root!.Elements(Svg + "rect").Single(r => r.Attribute("fill")?.Value == "none");
        double Attr(string name) => double.Parse(frame.Attribute(name)!.Value, CultureInfo.InvariantCulture);
        var (left, top, width, height) = (Attr("x"), Attr("y"), Attr("width"), Attr("height"));
        foreach (var polyline in doc.Descendants(Svg + "polyline"))
        {
            Assert.All(Points(polyline), p =>
            {
                Assert.InRange(p.X, left, left + width);
                Assert.InRange(p.Y, top, top + height);
            });
        }
    }

    [Fact]
    public void LargerY_IsDrawnHigher()
    {
        var doc = Parse(NewChart().Add("rising", [(0, 1), (1, 2), (2, 3)]).Render());

        var points = Points(Assert.Single(doc.Descendants(Svg + "polyline")));

        Assert.True(points[0].X < points[1].X && points[1].X < points[2].X);
        Assert.True(points[0].Y > points[1].Y && points[1].Y > points[2].Y);
    }

    [Fact]
    public void NonFiniteValues_DoNotBreakTheXml()
    {
        var svg = NewChart().Add("odd", [(0, 1), (1, double.NaN), (2, double.PositiveInfinity), (3, 4)]).Render();

        Assert.NotNull(Parse(svg).Root);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 1000)]
    [InlineData(0, 10)]
    [InlineData(0, 8)]
    [InlineData(0, 13.3)]
    [InlineData(0, 45.5)]
    [InlineData(0, 0.3)]
    [InlineData(0, 1_400_000)]
    [InlineData(-3, 7.9)]
    [InlineData(-40, 60)]
    [InlineData(100, 180)]
    [InlineData(0, 0.0049)]
    [InlineData(0, 3.9)]
    public void Ticks_AreRoundSteps_CoveringTheRange(double min, double max)
    {
        var ticks = SvgLineChart.Ticks(min, max);

        AssertRoundTicks(ticks);
        Assert.True(ticks[0] <= min, $"first tick {ticks[0]} above min {min}");
        Assert.True(ticks[^1] >= max, $"last tick {ticks[^1]} below max {max}");
    }

    /// <summary>Ticks "covering min..max" (the method's documented contract) must reach max also when max lies just past a step.</summary>
    [Theory]
    [InlineData(0, 7)]
    [InlineData(0, 1.01)]
    [InlineData(-50, 50)]
    public void Ticks_CoverAMaximumJustPastAStep(double min, double max)
    {
        var ticks = SvgLineChart.Ticks(min, max);

        AssertRoundTicks(ticks);
        Assert.True(ticks[^1] >= max, $"last tick {ticks[^1]} below max {max}: [{string.Join(", ", ticks)}]");
    }

    [Fact]
    public void Ticks_NeverFail_OverManyMagnitudes()
    {
        foreach (var exponent in Enumerable.Range(-3, 13))
        {
            foreach (var mantissa in new[] { 1.0, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 9.99 })
            {
                var max = mantissa * Math.Pow(10, exponent);
                var ticks = SvgLineChart.Ticks(0, max);
                AssertRoundTicks(ticks);
                Assert.Equal(0, ticks[0]);
            }
        }
    }

    private static void AssertRoundTicks(double[] ticks)
    {
        Assert.InRange(ticks.Length, 3, 12);
        var step = ticks[1] - ticks[0];
        Assert.True(step > 0);
        for (var i = 1; i < ticks.Length; i++)
        {
            Assert.Equal(step, ticks[i] - ticks[i - 1], step * 1e-6);
        }

        var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        Assert.Contains([1.0, 2.0, 5.0], m => Math.Abs(m - mantissa) < 1e-6);
        Assert.All(ticks, t => Assert.Equal(Math.Round(t / step), t / step, 1e-6)); // every tick a multiple of the step
    }
}
