namespace OrleansDist.Client.Groups;

/// <summary>Percentiles of delivery latencies (nearest rank), in milliseconds.</summary>
internal sealed record LatencySummary(double P50, double P99, double Max, int Count)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0 ? new LatencySummary(0, 0, 0, 0) : new LatencySummary(Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1], sorted.Length);
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
