using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Cluster.Tests.Groups;

/// <summary>Reading members' logs and checking them (the test's own check, independent of the client's).</summary>
internal static class GroupLogs
{
    public static async Task<List<LogEntry>> ReadAsync(IClusterClient client, string member)
    {
        var grain = client.GetGrain<IMemberGrain>(member);
        var entries = new List<LogEntry>();
        while (true)
        {
            var page = await ClusterClients.RetryAsync(() => grain.GetLog(entries.Count + 1, 1000), TimeSpan.FromSeconds(60));
            entries.AddRange(page);
            if (page.Count < 1000)
            {
                return entries;
            }
        }
    }

    /// <summary>Every violation of: no duplicate; fifo streams 1, 2, ... per sender; total sequence 1, 2, ... for <paramref name="group"/>.</summary>
    public static List<string> OrderViolations(string member, IReadOnlyList<LogEntry> log, string group)
    {
        var problems = new List<string>();
        if (log.Select(e => e.Message.MessageId).Distinct().Count() != log.Count)
        {
            problems.Add($"{member}: a message is in the log twice");
        }

        foreach (var stream in log.Where(e => e.Message.Order == DeliveryOrder.Fifo).GroupBy(e => e.Message.Sender))
        {
            var numbers = stream.Select(e => e.Message.FifoSeq).ToList();
            if (!numbers.SequenceEqual(Enumerable.Range(1, numbers.Count).Select(i => (long)i)))
            {
                problems.Add($"{member}: fifo from {stream.Key} is {string.Join(",", numbers.Take(30))}...");
            }
        }

        var total = log.Where(e => e.Message.Order == DeliveryOrder.Total && e.Message.Destination == group).Select(e => e.Message.TotalSeq).ToList();
        if (!total.SequenceEqual(Enumerable.Range(1, total.Count).Select(i => (long)i)))
        {
            problems.Add($"{member}: total sequence is {string.Join(",", total.Take(30))}...");
        }

        return problems;
    }
}
