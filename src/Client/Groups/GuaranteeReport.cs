namespace OrleansDist.Client.Groups;

/// <summary>What <see cref="GroupGuaranteeCheck"/> found: each guarantee checked, and every violation (empty when all hold).</summary>
internal sealed record GuaranteeReport(IReadOnlyList<string> Checked, IReadOnlyList<string> Problems, long Deliveries)
{
    public bool Ok => Problems.Count == 0;
}
