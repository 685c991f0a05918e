using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansDist.Lab.Tests;

/// <summary>
/// A silo host cut off the network (deploy/netns-lab.sh partition: its packets are lost, nothing is refused) under the
/// production membership profile: it is declared dead, its grains answer again from the other silos with the state
/// they had in PostgreSQL, and after heal the host, restarted, rejoins as a new generation with no grain active twice.
/// The partitioned silo cannot reach PostgreSQL either; once healed it reads that it was declared dead and stops itself
/// (Orleans' rule: a silo declared dead never comes back). The test then restarts it (<c>netns-lab.sh start</c>), as a
/// service manager would (deploy/systemd: Restart=always). The workload writes compare-and-set on the version it last
/// saw: a write that timed out during the partition may still land after heal (its request sat in the buffers of the
/// connection to the cut-off gateway), and must then be refused, not overwrite newer acknowledged writes.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class PartitionTests(ITestOutputHelper output)
{
    private const string Victim = "silo2";
    private const int Registers = 24;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The client rereads the gateways every 10 s (UseOrleansDist's default) instead of Orleans' 60 s: a client whose connection to the cut-off
    /// silo's gateway stays open (nothing is refused) keeps sending the grains it routes there into it until the refresh.
    /// ORLEANSDIST_LAB_GATEWAY_REFRESH overrides it (60 measures Orleans' default).
    /// </summary>
    private static readonly string GatewayRefreshSeconds = Environment.GetEnvironmentVariable("ORLEANSDIST_LAB_GATEWAY_REFRESH") is { Length: > 0 } s ? s : "10";

    [Fact]
    public async Task A_partitioned_silo_is_declared_dead_its_grains_answer_elsewhere_without_loss_and_it_rejoins_after_heal()
    {
        await using var lab = await Lab.UpAsync(output, 3);
        LabProcess? workload = null;
        try
        {
            workload = lab.StartOnHost(
                Lab.ClientHost, "dotnet", typeof(RegisterWorkload).Assembly.Location, "workload",
                "--membership", lab.Membership, "--registers", Registers.ToString(CultureInfo.InvariantCulture), "--call-timeout", "2",
                "--gateway-refresh", GatewayRefreshSeconds);
            await workload.WaitForLineAsync(l => l.StartsWith("READY", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var clientReadyAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await Task.Delay(TimeSpan.FromSeconds(5));

            var before = await lab.ReadMembershipAsync();
            var victimRow = Assert.Single(before, r => r.Silo == Victim);
            var onVictim = LastSiloPerRegister(workload).Where(p => p.Value == Victim).Select(p => p.Key).ToHashSet();
            Assert.True(onVictim.Count > 0, $"no register was on {Victim} before the partition:\n{workload.Tail()}");

            // --- partition
            var partitioned = await lab.RunCheckedAsync(TimeSpan.FromSeconds(30), "partition", Victim);
            var partitionedAt = Milliseconds(AtMs().Match(partitioned));

            var deadAt = await PollAsync(async () =>
                (await lab.ReadMembershipAsync()).Any(r => r.Silo == Victim && r.Generation == victimRow.Generation && r.Status == MembershipRow.Dead));
            var answeredAt = await PollAsync(() => Task.FromResult(onVictim.All(id => AnsweredElsewhereAfter(workload, id, partitionedAt) is not null)));
            var firstAnswer = onVictim.Min(id => AnsweredElsewhereAfter(workload, id, partitionedAt)!.Value);
            var lastAnswer = onVictim.Max(id => AnsweredElsewhereAfter(workload, id, partitionedAt)!.Value);

            // --- heal: the old process learns it is dead and stops; it is restarted and joins as a new generation
            var healed = await lab.RunCheckedAsync(TimeSpan.FromSeconds(30), "heal", Victim);
            var healedAt = Milliseconds(AtMs().Match(healed));
            var oldPid = int.Parse(File.ReadAllText(Path.Combine(Lab.StateDirectory, Victim + ".pid")).Trim(), CultureInfo.InvariantCulture);
            var oldStoppedAt = await PollAsync(() => Task.FromResult(!Directory.Exists($"/proc/{oldPid}")));
            var oldLog = Lab.ReadLog(Victim + ".err");
            Assert.Contains("I have been told I am dead", oldLog, StringComparison.Ordinal);

            var restartAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await lab.RunCheckedAsync(TimeSpan.FromSeconds(150), "start", Victim);
            var rejoinedAt = await PollAsync(async () =>
                (await lab.ReadMembershipAsync()).Any(r => r.Silo == Victim && r.Generation > victimRow.Generation && r.Status == MembershipRow.Active));

            await Task.Delay(TimeSpan.FromSeconds(4));
            await workload.SendAsync("stop");
            await workload.WaitForLineAsync(l => l == "DONE", TimeSpan.FromSeconds(120));
            var lines = workload.Lines.Select(l => l.Line).ToList();

            // --- no data lost, no grain active twice
            Assert.DoesNotContain(lines, l => l.StartsWith("LOST ", StringComparison.Ordinal) || l.StartsWith("REGRESS ", StringComparison.Ordinal));
            var finals = lines.Where(l => l.StartsWith("FINAL ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
            Assert.Equal(Registers, finals.Count);
            Assert.All(finals, f => Assert.True(long.Parse(f[2], CultureInfo.InvariantCulture) >= long.Parse(f[5], CultureInfo.InvariantCulture),
                $"register {f[1]} holds write {f[2]} but write {f[5]} was acknowledged"));
            var activations = lines.Where(l => l.StartsWith("ACTIVATION ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
            var twice = activations.GroupBy(a => a[1]).Where(g => g.Count() > 1).Select(g => $"{g.Key} on {string.Join(", ", g.Select(a => a[2]))}").ToList();
            Assert.True(twice.Count == 0, "grains active twice: " + string.Join("; ", twice));
            Assert.Equal(Registers, activations.Count);
            var after = await lab.ReadMembershipAsync();
            Assert.Equal(MembershipRow.Dead, after.Single(r => r.Silo == Victim && r.Generation == victimRow.Generation).Status);
            Assert.All(after.Where(r => r.Silo != Victim), r => Assert.Equal(MembershipRow.Active, r.Status));
            var failed = lines.Count(l => l.StartsWith("FAIL ", StringComparison.Ordinal));
            var succeeded = lines.Count(l => l.StartsWith("OK ", StringComparison.Ordinal));
            var (unknown, tookEffect) = UnknownWrites(lines);
            var refused = lines.Count(l => l.StartsWith("REFUSED ", StringComparison.Ordinal));
            var lateRefused = LateWritesRefused(lines);

            var report = string.Join('\n',
                $"partition of {Victim} ({Lab.SiloAddress(2)}), production membership profile, 3 silo hosts, {Registers} registers ({onVictim.Count} on {Victim}), "
                    + $"client call timeout 2 s, client gateway refresh {GatewayRefreshSeconds} s (client ready {(partitionedAt - clientReadyAt) / 1000.0:0.0} s before the partition)",
                $"declared dead after        {(deadAt - partitionedAt) / 1000.0:0.0} s",
                $"its grains answered again  {(firstAnswer - partitionedAt) / 1000.0:0.0} s (first) .. {(lastAnswer - partitionedAt) / 1000.0:0.0} s (all {onVictim.Count}) after the partition, {(lastAnswer - deadAt) / 1000.0:0.0} s after it was declared dead",
                $"  per grain: {string.Join(", ", onVictim.Order().Select(id => $"{id} {(AnsweredElsewhereAfter(workload, id, partitionedAt)!.Value - partitionedAt) / 1000.0:0.0} s"))}",
                $"old process stopped itself {(oldStoppedAt - healedAt) / 1000.0:0.0} s after heal (read itself Dead)",
                $"restarted, Active again    {(rejoinedAt - restartAt) / 1000.0:0.0} s after the restart ({(rejoinedAt - healedAt) / 1000.0:0.0} s after heal)",
                $"workload: {succeeded} calls answered, {failed} failed (timeouts while the grains' silo was cut off), 0 lost writes, 0 grains active twice ({activations.Count} activations)",
                $"conditional writes: {unknown} timed out (outcome unknown), {tookEffect} of them took effect (seen later), {refused} refused with a reply to the client, {lateRefused} refused by the register after the client had given up on them (silo logs), no acknowledged write went back");
            output.WriteLine("PARTITION FIGURES\n" + report);
            WriteMeasurement(report);

            // honest margins: the production profile needs about 20 s against a partition (see the README)
            Assert.InRange((deadAt - partitionedAt) / 1000.0, 1, 60);
            Assert.InRange((lastAnswer - partitionedAt) / 1000.0, 1, 75);
        }
        finally
        {
            if (workload is not null)
            {
                output.WriteLine("workload (last lines):\n" + workload.Tail(30));
                await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "orleansdist-lab-workload.log"), workload.Output);
                await workload.DisposeAsync();
            }
        }
    }

    /// <summary>Writes that timed out (UNKNOWN lines) and how many of them were seen later in a read, i.e. took effect.</summary>
    private static (int Unknown, int TookEffect) UnknownWrites(List<string> lines)
    {
        var unknown = new HashSet<(string Id, string Seq)>();
        var observed = new HashSet<(string Id, string Seq)>();
        foreach (var f in lines.Select(l => l.Split(' ')))
        {
            if (f.Length == 5 && f[0] == "UNKNOWN")
            {
                unknown.Add((f[2], f[3]["seq=".Length..]));
            }
            else if (f.Length == 7 && f[0] == "OK" && f[3] == "read")
            {
                observed.Add((f[2], f[6]));
            }
        }

        return (unknown.Count, unknown.Count(observed.Contains));
    }

    /// <summary>
    /// Writes the client gave up on (UNKNOWN) that reached a register later and were refused there (the silos' logs:
    /// "Register ID: refused write 'ID:SEQ' ..."): the late writes that once overwrote newer acknowledged writes.
    /// </summary>
    private static int LateWritesRefused(List<string> lines)
    {
        var unknown = lines.Select(l => l.Split(' ')).Where(f => f.Length == 5 && f[0] == "UNKNOWN").Select(f => $"{f[2]}:{f[3]["seq=".Length..]}").ToHashSet(StringComparer.Ordinal);
        var logs = string.Join('\n', Enumerable.Range(1, 3).Select(i => Lab.ReadLog($"silo{i}.err")));
        return RefusedWrite().Matches(logs).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Count(unknown.Contains);
    }

    [GeneratedRegex(@"Register \d+: refused write '(\d+:\d+)'")]
    private static partial Regex RefusedWrite();

    /// <summary>The silo each register was last read from.</summary>
    private static Dictionary<string, string> LastSiloPerRegister(LabProcess workload)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, line) in workload.Lines)
        {
            var f = line.Split(' ');
            if (f.Length == 7 && f[0] == "OK" && f[3] == "read")
            {
                last[f[2]] = f[4];
            }
        }

        return last;
    }

    /// <summary>When register <paramref name="id"/> first answered a read from a silo other than the victim after <paramref name="since"/>.</summary>
    private static long? AnsweredElsewhereAfter(LabProcess workload, string id, long since)
    {
        foreach (var (_, line) in workload.Lines)
        {
            var f = line.Split(' ');
            if (f.Length == 7 && f[0] == "OK" && f[2] == id && f[3] == "read" && f[4] != Victim && long.Parse(f[1], CultureInfo.InvariantCulture) > since)
            {
                return long.Parse(f[1], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static async Task<long> PollAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"not within {Patience.TotalSeconds:0} s");
    }

    private static long Milliseconds(Match match) =>
        match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("no 'at N ms' in the lab's output");

    /// <summary>Appends the figures to ORLEANSDIST_LAB_MEASUREMENTS when set (how docs/measurements/partition-*.txt were made).</summary>
    private static void WriteMeasurement(string report)
    {
        if (Environment.GetEnvironmentVariable("ORLEANSDIST_LAB_MEASUREMENTS") is { Length: > 0 } path)
        {
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC\n{report}\n\n");
        }
    }

    [GeneratedRegex(@" at (\d+) ms")]
    private static partial Regex AtMs();
}
