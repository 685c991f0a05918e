namespace OrleansDist.Grains.Clocks;

/// <summary>
/// Berkeley's fault-tolerant average: the readings within <c>threshold</c> of the median are averaged, the others are
/// left out (one wild clock cannot drag the rest). The median is the middle reading, the lower of the two middle ones
/// for an even count, so it is always a real reading and the average never comes out of nothing.
/// </summary>
public static class FaultTolerantAverage
{
    public sealed record Result(double Median, double Average, IReadOnlyList<string> Included, IReadOnlyList<string> Excluded);

    /// <param name="readings">Each clock's offset (from any common reference, e.g. the master's clock), in any unit.</param>
    /// <param name="threshold">Largest distance from the median that still counts, same unit.</param>
    public static Result Compute(IReadOnlyList<(string Name, double Offset)> readings, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfZero(readings.Count, nameof(readings));
        if (!(threshold >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the threshold must be non-negative");
        }

        var sorted = readings.Select(r => r.Offset).Order().ToArray();
        var median = sorted[(sorted.Length - 1) / 2];
        var included = new List<string>();
        var excluded = new List<string>();
        var sum = 0.0;
        foreach (var (name, offset) in readings)
        {
            if (Math.Abs(offset - median) <= threshold)
            {
                included.Add(name);
                sum += offset;
            }
            else
            {
                excluded.Add(name);
            }
        }

        return new Result(median, sum / included.Count, included, excluded);
    }
}
