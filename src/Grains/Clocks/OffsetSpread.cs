namespace OrleansDist.Grains.Clocks;

/// <summary>
/// How far apart the clocks are after a round. <see cref="Result.SpreadAll"/> is max − min over every clock that
/// answered; <see cref="Result.Spread"/> leaves out the faulty ones: clocks still farther than the threshold from the
/// median after being told their correction (a liar). A clock that was merely far off before the round (a skew of
/// seconds) has been corrected by then and counts.
/// </summary>
public static class OffsetSpread
{
    public sealed record Result(double Spread, double SpreadAll, IReadOnlyList<string> Faulty);

    public static Result Compute(IReadOnlyList<(string Name, double Offset)> offsets, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfZero(offsets.Count, nameof(offsets));
        var average = FaultTolerantAverage.Compute(offsets, threshold);
        var good = offsets.Where(o => !average.Excluded.Contains(o.Name)).Select(o => o.Offset).ToList();
        var all = offsets.Select(o => o.Offset).ToList();
        return new Result(good.Max() - good.Min(), all.Max() - all.Min(), average.Excluded);
    }
}
