namespace OrleansDist.Client.Servers;

/// <summary>One load run: N clients connected at once, each sent one task.</summary>
/// <param name="Seconds">From the start until the last correct reply; null unless every client got one.</param>
/// <param name="Failures">Why clients got no correct reply, with how many each.</param>
/// <param name="AllConnectedSeconds">From the start until the last client that connected was connected.</param>
/// <param name="LongestWaitSeconds">The longest any client waited from sending its task to its correct reply: the server's own delay, without the time the clients took to connect.</param>
internal sealed record LoadRunResult(
    int Clients,
    double? Seconds,
    int Replied,
    IReadOnlyDictionary<string, int> Failures,
    double? FirstReplySeconds,
    double? MedianReplySeconds,
    double WallSeconds,
    bool DeadlineReached,
    double? AllConnectedSeconds,
    double? LongestWaitSeconds)
{
    public int Failed => Clients - Replied;

    public bool Succeeded => Replied == Clients;

    /// <summary>The main failure reasons, most frequent first, e.g. "688 connection refused; 12 no reply before the deadline".</summary>
    public string FailureSummary => string.Join("; ", Failures.OrderByDescending(f => f.Value).Take(3).Select(f => $"{f.Value} {f.Key}"));
}
