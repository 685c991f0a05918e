using System.Globalization;
using System.Net;
using System.Text;

namespace OrleansDist.Client.Reporting;

/// <summary>
/// Draws line charts as standalone SVG (no script, no external resources): axes with rounded ticks, one polyline per
/// series, optional point markers and dashed series, and a legend. Enough for the experiments' figures.
/// </summary>
public sealed class SvgLineChart
{
    private const int Width = 760;
    private const int Height = 460;
    private const int Left = 70;
    private const int Right = 170;
    private const int Top = 50;
    private const int Bottom = 60;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    private readonly List<Series> _series = [];

    public required string Title { get; init; }

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    /// <param name="name">Legend text.</param>
    /// <param name="points">(x, y) pairs, drawn in the order given.</param>
    /// <param name="dashed">Drawn dashed and without markers (a reference curve such as the ideal).</param>
    /// <param name="markers">Draw a dot at every point.</param>
    public SvgLineChart Add(string name, IEnumerable<(double X, double Y)> points, bool dashed = false, bool markers = false)
    {
        _series.Add(new Series(name, [.. points], dashed, markers));
        return this;
    }

    public string Render()
    {
        var all = _series.SelectMany(s => s.Points).ToList();
        var (xMin, xMax) = Range(all.Select(p => p.X), includeZero: true);
        var (yMin, yMax) = Range(all.Select(p => p.Y), includeZero: true);
        var xTicks = Ticks(xMin, xMax);
        var yTicks = Ticks(yMin, yMax);
        xMax = Math.Max(xMax, xTicks[^1]);
        yMax = Math.Max(yMax, yTicks[^1]);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(double x) => Left + ((x - xMin) / (xMax - xMin) * plotWidth);
        double Y(double y) => Top + plotHeight - ((y - yMin) / (yMax - yMin) * plotHeight);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{Escape(Title)}</text>\n");

        foreach (var tick in yTicks)
        {
            var y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.##}\" x2=\"{Left + plotWidth}\" y2=\"{y:0.##}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 4:0.##}\" text-anchor=\"end\">{Format(tick)}</text>\n");
        }

        foreach (var tick in xTicks)
        {
            var x = X(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.##}\" y1=\"{Top}\" x2=\"{x:0.##}\" y2=\"{Top + plotHeight}\" stroke=\"#f0f0f0\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.##}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{Format(tick)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#333\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 18}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(18 {Top + (plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(YLabel)}</text>\n");

        for (var i = 0; i < _series.Count; i++)
        {
            var series = _series[i];
            var colour = series.Dashed ? "#555555" : Palette[i % Palette.Length];
            if (series.Points.Count > 0)
            {
                var points = string.Join(' ', series.Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):0.##},{Y(p.Y):0.##}")));
                var dash = series.Dashed ? " stroke-dasharray=\"6 4\"" : "";
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" data-name=\"{Escape(series.Name)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{points}\"/>\n");
                if (series.Markers && !series.Dashed)
                {
                    foreach (var (x, y) in series.Points)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(x):0.##}\" cy=\"{Y(y):0.##}\" r=\"4\" fill=\"{colour}\"/>\n");
                    }
                }
            }

            var legendY = Top + 10 + (i * 20);
            var legendX = Left + plotWidth + 15;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{legendX}\" y1=\"{legendY}\" x2=\"{legendX + 24}\" y2=\"{legendY}\" stroke=\"{colour}\" stroke-width=\"2\"{(series.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 30}\" y=\"{legendY + 4}\">{Escape(series.Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static (double Min, double Max) Range(IEnumerable<double> values, bool includeZero)
    {
        var list = values.Where(double.IsFinite).ToList();
        var min = list.Count == 0 ? 0 : list.Min();
        var max = list.Count == 0 ? 1 : list.Max();
        if (includeZero)
        {
            min = Math.Min(0, min);
        }

        if (max <= min)
        {
            max = min + 1;
        }

        return (min, max);
    }

    /// <summary>About five ticks at 1, 2 or 5 times a power of ten, covering min..max.</summary>
    internal static double[] Ticks(double min, double max)
    {
        var rough = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
        var first = Math.Floor(min / step) * step;
        var ticks = new List<double>();
        for (var t = first; ; t += step)
        {
            ticks.Add(Math.Round(t, 10));
            if (t >= max - (step * 1e-9))
            {
                break;
            }
        }

        return [.. ticks];
    }

    private static string Format(double value) => value.ToString(Math.Abs(value) >= 100 || value == Math.Floor(value) ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed, bool Markers);
}
