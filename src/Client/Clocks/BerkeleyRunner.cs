using System.Globalization;
using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary>Starts a Berkeley master and prints each round's row as soon as the offsets after it are known.</summary>
internal sealed class BerkeleyRunner(IClusterClient client, TextWriter output)
{
    public async Task<(BerkeleyStatus Status, List<BerkeleyRow> Rows)> RunAsync(string systemId, BerkeleyConfig config, string[] clocks, CancellationToken cancellationToken)
    {
        var master = client.GetGrain<IBerkeleyMasterGrain>(systemId);
        var status = await master.Start(config);
        await output.WriteLineAsync($"Berkeley system {systemId}: master on {status.MasterSilo}; clocks {string.Join(", ", status.Placement)}");
        var report = new BerkeleyReport(clocks, config.ThresholdMs);
        var rows = new List<BerkeleyRow>();
        IReadOnlyList<string>? columns = null;
        var silos = new Dictionary<string, (string Silo, int Activations)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds((config.Rounds + 2) * (config.PeriodMs + (3.0 * config.PollTimeoutMs))) + TimeSpan.FromSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                status = await master.GetStatus();
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // the gateway's silo may have died: the client moves to another gateway; ask again
                await output.WriteLineAsync($"  (status call failed: {ex.GetType().Name}; retrying)");
            }

            if (status.Snapshots.Length > 0 && status.Snapshots[0].AfterRound > rows.Count)
            {
                throw new CommandFailedException($"fell behind the master by more than the {config.History} rounds it keeps (rows from {rows.Count} on are gone)");
            }

            while (report.Row(status, rows.Count) is { } row)
            {
                columns ??= report.Columns(status);
                if (rows.Count == 0)
                {
                    report.WriteHeader(columns, output);
                }

                report.WriteRow(row, columns, output);
                NoteMoves(row, silos, output);
                rows.Add(row);
            }

            if (status.Finished && rows.Count > config.Rounds)
            {
                return (status, rows);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CommandFailedException($"the Berkeley master {systemId} had finished {rows.Count - 1} of {config.Rounds} rounds when the run timed out");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Says when a clock shows up on another silo (its silo died and it came back from storage).</summary>
    private static void NoteMoves(BerkeleyRow row, Dictionary<string, (string Silo, int Activations)> known, TextWriter output)
    {
        foreach (var (name, silo) in row.Silos)
        {
            if (silo.Length == 0 || name == "master" || !row.Activations.TryGetValue(name, out var activations))
            {
                continue;
            }

            if (known.TryGetValue(name, out var before) && (before.Silo != silo || before.Activations != activations))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"        {name} is back on {silo} (was on {before.Silo}; activation {activations}, corrections kept: {row.CorrectionsReceived.GetValueOrDefault(name)})"));
            }

            known[name] = (silo, activations);
        }
    }
}
