namespace OrleansDist.Client.Servers;

/// <summary>A design at one client count: its runs, or why it was not run or failed.</summary>
internal sealed record ServerDesignResult(string Design, int Clients, ServerResultStatus Status, string? Reason, IReadOnlyList<ServerRunRecord> Runs)
{
    /// <summary>Median time until the last reply over the runs; null unless every run served every client.</summary>
    public double? MedianSeconds => Status == ServerResultStatus.Ok ? Median(Runs.Select(r => r.Load.Seconds!.Value)) : null;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
