using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>
/// Checks members' delivery logs against what was sent: every member has every message sent to a destination it belongs
/// to, exactly once and nothing else; fifo messages in each sender's order with no gap; total-order messages of a group
/// in the same sequence at every member, numbered 1, 2, ... with no gap. Pure: logs in, report out.
/// </summary>
internal static class GroupGuaranteeCheck
{
    private const int MaxProblems = 20;

    /// <param name="sent">Every send made (members joined before the first).</param>
    /// <param name="membership">Destination → its members.</param>
    /// <param name="logs">Member → its log, in delivery order.</param>
    public static GuaranteeReport Check(
        IReadOnlyList<SentMessage> sent, IReadOnlyDictionary<string, IReadOnlyCollection<string>> membership, IReadOnlyDictionary<string, IReadOnlyList<LogEntry>> logs)
    {
        var problems = new List<string>();
        void Problem(string text)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add(text);
            }
            else if (problems.Count == MaxProblems)
            {
                problems.Add("... (more problems not listed)");
            }
        }

        var checkedGuarantees = new List<string> { "every member has every message sent to its groups, once, and nothing else" };
        var orders = sent.Select(s => s.Order).ToHashSet();
        var byDestination = sent.GroupBy(s => s.Destination).ToDictionary(g => g.Key, g => g.Select(s => s.MessageId).ToHashSet());
        long deliveries = 0;
        foreach (var (member, log) in logs.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            deliveries += log.Count;
            var expected = membership.Where(m => m.Value.Contains(member)).SelectMany(m => byDestination.GetValueOrDefault(m.Key) ?? []).ToHashSet();
            var seen = new HashSet<string>();
            foreach (var entry in log)
            {
                if (!seen.Add(entry.Message.MessageId))
                {
                    Problem($"{member}: message {entry.Message.MessageId} delivered twice (duplicate)");
                }
                else if (!expected.Contains(entry.Message.MessageId))
                {
                    Problem($"{member}: message {entry.Message.MessageId} to {entry.Message.Destination} is not for it");
                }
            }

            var missing = expected.Count(id => !seen.Contains(id));
            if (missing > 0)
            {
                Problem($"{member}: {missing} of {expected.Count} messages missing");
            }

            if (orders.Contains(DeliveryOrder.Fifo))
            {
                foreach (var stream in log.Where(e => e.Message.Order == DeliveryOrder.Fifo).GroupBy(e => (e.Message.Sender, e.Message.Destination)))
                {
                    var next = 1L;
                    foreach (var entry in stream)
                    {
                        if (entry.Message.FifoSeq != next)
                        {
                            Problem($"{member}: from {stream.Key.Sender} to {stream.Key.Destination}, fifo #{entry.Message.FifoSeq} where #{next} was due ({(entry.Message.FifoSeq < next ? "out of order or duplicate" : "gap")})");
                            break;
                        }

                        next++;
                    }
                }
            }
        }

        if (orders.Contains(DeliveryOrder.Fifo))
        {
            checkedGuarantees.Add("fifo: each sender's messages in the order sent, numbered 1, 2, ... with no gap, at every member");
        }

        if (orders.Contains(DeliveryOrder.Total))
        {
            checkedGuarantees.Add("total: every member of a group delivers the group's messages in one and the same sequence, consecutively numbered with no gap");
            foreach (var (destination, members) in membership.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                List<string>? reference = null;
                string? referenceMember = null;
                foreach (var member in members.Order(StringComparer.Ordinal))
                {
                    if (!logs.TryGetValue(member, out var log))
                    {
                        continue;
                    }

                    var sequence = log.Where(e => e.Message.Order == DeliveryOrder.Total && e.Message.Destination == destination).ToList();
                    // consecutive from the first one this member got (a group used before the members joined, like 'all', started earlier)
                    for (var i = 1; i < sequence.Count; i++)
                    {
                        if (sequence[i].Message.TotalSeq != sequence[i - 1].Message.TotalSeq + 1)
                        {
                            Problem($"{member}: in {destination}, total #{sequence[i].Message.TotalSeq} follows #{sequence[i - 1].Message.TotalSeq}");
                            break;
                        }
                    }

                    var ids = sequence.Select(e => e.Message.MessageId).ToList();
                    if (reference is null)
                    {
                        reference = ids;
                        referenceMember = member;
                    }
                    else if (!reference.SequenceEqual(ids))
                    {
                        var at = Enumerable.Range(0, Math.Min(reference.Count, ids.Count)).FirstOrDefault(i => reference[i] != ids[i], Math.Min(reference.Count, ids.Count));
                        Problem($"{destination}: {member}'s sequence differs from {referenceMember}'s at position {at + 1} ({ids.Count} and {reference.Count} messages)");
                    }
                }
            }
        }

        return new GuaranteeReport(checkedGuarantees, problems, deliveries);
    }
}
