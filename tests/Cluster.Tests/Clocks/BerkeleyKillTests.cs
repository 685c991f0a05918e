using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests.Clocks;

/// <summary>
/// Berkeley on three silo processes (SQLite membership and grain state in a temp file) driven by the real
/// <c>orleansdist clock berkeley --cluster</c>; mid-run the silo of one clock (not the master's) is killed with SIGKILL.
/// The rounds go on without it, it is back within two rounds from its persisted state on another silo, and converges.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class BerkeleyKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AClocksSiloKilled_RoundsGoOn_ClockBackWithinTwoRoundsWithItsState_AndConverges()
    {
        const int Rounds = 12;
        var clusterId = "clocks-kill-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "clocks");
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fastMembership: true);
        var json = Path.Combine(Path.GetTempPath(), $"berkeley-{clusterId}.json");
        try
        {
            var gateways = silos.Processes.SelectMany(p => new[] { "--gateway", $"127.0.0.1:{p.GatewayPort}" });
            await using var client = ProgramProcess.Start(SiloProcess.ClientDll,
            [
                "clock", "berkeley", "--cluster", "--cluster-id", clusterId, .. gateways, "--call-timeout", "10",
                "--skew", "KMC=+2.5s,MIT=-1.2s", "--drift", "KMC=+100ppm,MIT=-100ppm,TAPMI=+50ppm",
                "--rounds", $"{Rounds}", "--period", "1s", "--json", json,
            ]);
            var system = await client.WaitForLineAsync(l => l.StartsWith("Berkeley system", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var masterSilo = MasterSilo().Match(system).Groups[1].Value;
            var placement = Placement().Matches(system).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var victim = silos.Processes.First(p => p.Name != masterSilo && placement.ContainsValue(p.Name));
            var clocksOnVictim = placement.Where(p => p.Value == victim.Name).Select(p => p.Key).ToList();

            // after round 3's row is printed
            await client.WaitForLineAsync(l => l.TrimStart().StartsWith("3 |", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Report.Measured(output, $"[clocks] killing {victim.Name} (clocks {string.Join(",", clocksOnVictim)}; master on {masterSilo}) after round 3");
            victim.Kill();

            var exitCode = await client.WaitForExitAsync(TimeSpan.FromSeconds(120));
            output.WriteLine(client.Output);
            Assert.True(exitCode == 0, $"client exit code {exitCode}:\n{client.Output}");

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var rounds = document.RootElement.GetProperty("rounds").EnumerateArray().ToList();
            Assert.Equal(Rounds, rounds.Count);
            // row 3 was printed at the start of round 4, whose polls take milliseconds: round 5 is the first without the silo
            const int FirstRoundAfterKill = 5;
            foreach (var clock in clocksOnVictim)
            {
                bool Answered(JsonElement row) => row.GetProperty("offsets_ms").GetProperty(clock).ValueKind == JsonValueKind.Number
                    && !row.GetProperty("not_answered").EnumerateArray().Any(n => n.GetString() == clock);
                bool Elsewhere(JsonElement row) => Answered(row) && row.GetProperty("silos").GetProperty(clock).GetString() != victim.Name;

                var missed = rounds.Where(r => !Answered(r)).Select(r => r.GetProperty("round").GetInt32()).ToList();
                // row r holds the offsets taken at the start of round r + 1
                var back = rounds.First(r => r.GetProperty("round").GetInt32() >= FirstRoundAfterKill - 1 && Elsewhere(r));
                var backInRound = back.GetProperty("round").GetInt32() + 1;
                var correctionsBefore = rounds[2].GetProperty("corrections_received").GetProperty(clock).GetInt32();
                var correctionsBack = back.GetProperty("corrections_received").GetProperty(clock).GetInt32();
                Report.Measured(output, string.Create(CultureInfo.InvariantCulture,
                    $"[clocks] {clock}: rounds not answered: [{string.Join(",", missed)}]; back for round {backInRound} (first round after the kill: {FirstRoundAfterKill}) on {back.GetProperty("silos").GetProperty(clock).GetString()} (activation {back.GetProperty("activations").GetProperty(clock).GetInt32()}, corrections received {correctionsBefore} after round 3, {correctionsBack} when back)"));
                Assert.True(backInRound - FirstRoundAfterKill <= 2, $"{clock} was back only for round {backInRound}");
                Assert.True(back.GetProperty("activations").GetProperty(clock).GetInt32() >= 2);
                // its state came back: the corrections it received before the kill are still counted
                Assert.True(correctionsBack >= correctionsBefore, $"{clock} came back with {correctionsBack} corrections, had {correctionsBefore}");
                Assert.All(rounds.Skip(back.GetProperty("round").GetInt32()), r => Assert.True(Answered(r), $"{clock} did not answer round {r.GetProperty("round")}"));
            }

            // the others went on every round, and everyone converged again
            Assert.All(rounds, r => Assert.All(r.GetProperty("not_answered").EnumerateArray(), n => Assert.Contains(n.GetString(), clocksOnVictim)));
            var spreads = rounds.Select(r => r.GetProperty("spread_ms").GetDouble()).ToList();
            Report.Measured(output, $"[clocks] spread per round (ms): {string.Join(", ", spreads.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))}");
            Assert.True(spreads[^1] <= 2, $"final spread {spreads[^1]} ms");
            Assert.True(spreads[^2] <= 2, $"spread before the last round {spreads[^2]} ms");
        }
        finally
        {
            File.Delete(json);
        }
    }

    [GeneratedRegex(@"master on (\S+);")]
    private static partial Regex MasterSilo();

    [GeneratedRegex(@"(\w+)@([\w-]+)")]
    private static partial Regex Placement();
}
