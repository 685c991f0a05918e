using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.Clocks;
using Orleans.Runtime.Placement;
using OrleansDist.Grains.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary><c>clock cristian</c>, <c>clock berkeley</c> and <c>clock serve</c>: clock synchronisation on the cluster.</summary>
internal static class ClockCommands
{
    public static Command Build(CommonOptions common) =>
        new("clock", "Clock synchronisation: Cristian's and Berkeley's algorithms with simulated clocks as grains")
        {
            BuildCristian(common),
            BuildBerkeley(common),
            BuildServe(common),
        };

    private static Command BuildBerkeley(CommonOptions common)
    {
        var options = new BerkeleyOptions();
        var rounds = new Option<int>("--rounds") { Description = "Rounds to run", DefaultValueFactory = _ => 10, HelpName = "n" };
        var json = new Option<string>("--json") { Description = "Write the rounds as JSON to this file", HelpName = "file" };
        var output = new Option<string>("--out") { Description = "Directory for offsets.svg (all rounds) and offsets-zoom.svg (from round 1)", HelpName = "dir" };
        var command = new Command("berkeley", "Berkeley's algorithm: a master clock grain keeps institute clock grains (one per silo) in step, round by round")
        {
            rounds, json, output,
        };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var count = parse.GetValue(rounds);
            if (count is < 1 or > 10000)
            {
                throw new UsageException($"--rounds must be between 1 and 10000, got {count}");
            }

            var (config, clocks) = options.Read(parse, count);
            var (useCluster, siloCount) = options.Where.Read(parse);
            await using var environment = await ExperimentCluster.StartAsync(common.Read(parse), useCluster, siloCount, Console.Out, ct);
            var id = NewId("berkeley");
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{count} rounds every {config.PeriodMs} ms, threshold {config.ThresholdMs:0.###} ms, {config.SamplesPerPoll}-{config.MaxSamplesPerPoll} polls per clock (until one has an RTT under {config.GoodRoundTripMs:0.##} ms; the smallest RTT kept); offsets in ms from true time, one period after each round"));
            var (status, rows) = await new BerkeleyRunner(environment.Client, Console.Out).RunAsync(id, config, clocks, ct);
            var report = new BerkeleyReport(clocks, config.ThresholdMs);
            var columns = report.Columns(status);
            WriteSummary(rows, config, Console.Out);
            var files = new List<string>();
            if (parse.GetValue(output) is { } directory)
            {
                Directory.CreateDirectory(directory);
                var all = Path.Combine(directory, "offsets.svg");
                await File.WriteAllTextAsync(all, BerkeleyReport.Chart(rows, columns, 0, "Berkeley: clock offsets over the rounds"), ct);
                var zoom = Path.Combine(directory, "offsets-zoom.svg");
                await File.WriteAllTextAsync(zoom, BerkeleyReport.Chart(rows, columns, 1, "Berkeley: clock offsets from round 1 on"), ct);
                files.AddRange([all, zoom]);
            }

            if (parse.GetValue(json) is { } path)
            {
                var document = new
                {
                    system = id,
                    cluster = environment.Description,
                    master_silo = status.MasterSilo,
                    placement = status.Placement,
                    config = new
                    {
                        clocks = config.Clocks.Select(c => new { name = c.Name, skew_ms = c.Settings.SkewSeconds * 1000, drift_ppm = c.Settings.DriftPpm, lie_ms = c.Settings.LieSeconds * 1000 }),
                        period_ms = config.PeriodMs,
                        threshold_ms = config.ThresholdMs,
                        samples_per_poll = config.SamplesPerPoll,
                        poll_timeout_ms = config.PollTimeoutMs,
                        max_slew_ppm = config.Master.MaxSlewPpm,
                        step_threshold_ms = config.Master.StepThresholdSeconds * 1000,
                    },
                    initial = rows[0],
                    rounds = rows.Skip(1),
                    max_spread_after_first_ms = rows.Skip(1).Max(r => r.SpreadMs),
                };
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, BerkeleyReport.JsonOptions), ct);
                files.Add(path);
            }

            if (files.Count > 0)
            {
                await Console.Out.WriteLineAsync($"Wrote {string.Join(", ", files)}");
            }
        }));
        return command;
    }

    private static void WriteSummary(List<BerkeleyRow> rows, BerkeleyConfig config, TextWriter output)
    {
        var after = rows.Skip(1).ToList();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Spread (max − min offset, faulty clocks left out): before {rows[0].SpreadMs:0.000} ms; after round 1 {after[0].SpreadMs:0.000} ms; max over rounds 1-{after.Count} {after.Max(r => r.SpreadMs):0.000} ms"));
        foreach (var liar in config.Clocks.Where(c => c.Settings.LieSeconds is not null))
        {
            var excludedEvery = after.All(r => r.Excluded.Contains(liar.Name));
            var told = after.Where(r => r.CorrectionsMs?.ContainsKey(liar.Name) == true).ToList();
            var last = told.Count > 0 ? told[^1].CorrectionsMs![liar.Name] : (double?)null;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Liar {liar.Name}: excluded in {after.Count(r => r.Excluded.Contains(liar.Name))}/{after.Count} rounds{(excludedEvery ? " (every one)" : "")}; told its correction in {told.Count} rounds (last {last:0.000} ms; recorded, not applied: a faulty readout)"));
        }

        var moves = after.Select(r => r.MasterCorrectionMs ?? 0).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The average moved the master by at most {moves.Skip(1).DefaultIfEmpty(0).Max(Math.Abs):0.000} ms per round after round 1 (round 1: {moves[0]:+0.000;-0.000} ms)"));
    }

    private static Command BuildCristian(CommonOptions common)
    {
        var samples = new Option<int>("--samples") { Description = "Requests per synchronisation; the one with the smallest round trip is kept", DefaultValueFactory = _ => 8, HelpName = "k" };
        var serverSkew = new Option<string>("--server-skew") { Description = "Offset of the time server's own clock from true time (the client syncs to the server's clock)", DefaultValueFactory = _ => "0s", HelpName = "duration" };
        var clientSkew = new Option<string>("--client-skew") { Description = "Offset of the client's clock before each synchronisation", DefaultValueFactory = _ => "+1.7s", HelpName = "duration" };
        var runs = new Option<int>("--runs") { Description = "Synchronisations to run (the client's clock is set back to --client-skew before each)", DefaultValueFactory = _ => 10, HelpName = "n" };
        var where = new ExperimentClusterOptions(defaultSilos: 3);
        var json = new Option<string>("--json") { Description = "Write the synchronisations as JSON to this file", HelpName = "file" };
        var command = new Command("cristian", "Cristian's algorithm: a client clock grain syncs with a time-server clock grain on another silo")
        {
            samples, serverSkew, clientSkew, runs, json,
        };
        where.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var k = parse.GetValue(samples);
            var count = parse.GetValue(runs);
            if (k is < 1 or > 1000 || count is < 1 or > 10000)
            {
                throw new UsageException("--samples must be between 1 and 1000 and --runs between 1 and 10000");
            }

            var serverOffset = ClockArguments.ParseDuration(parse.GetValue(serverSkew) ?? "", "--server-skew");
            var clientOffset = ClockArguments.ParseDuration(parse.GetValue(clientSkew) ?? "", "--client-skew");
            var (useCluster, siloCount) = where.Read(parse);
            await using var environment = await ExperimentCluster.StartAsync(common.Read(parse), useCluster, siloCount, Console.Out, ct);
            var id = NewId("cristian");
            var hosts = await environment.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            var ordered = hosts.Keys.OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
            var server = environment.Client.GetGrain<IClockGrain>($"{id}/server");
            var client = environment.Client.GetGrain<IClockGrain>($"{id}/client");
            await WithPlacement(ordered.Count > 0 ? ordered[0] : null, () => server.Configure(new ClockSettings { SkewSeconds = serverOffset }));
            await WithPlacement(ordered.Count > 1 ? ordered[1] : null, () => client.Configure(new ClockSettings { SkewSeconds = clientOffset }));
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Cristian: client clock (skew {clientOffset * 1000:+0.###;-0.###;0} ms) syncs with the time server's clock (skew {serverOffset * 1000:+0.###;-0.###;0} ms), {k} samples, {count} runs"));
            await Console.Out.WriteLineAsync("true error = client clock − server clock at the same real instant, after the step; covered = |true error| ≤ RTT/2\n");
            await Console.Out.WriteLineAsync("  run | client@silo | server@silo | min RTT ms | bound ± ms | correction ms | true error ms | covered");
            await Console.Out.WriteLineAsync("------|-------------|-------------|------------|------------|---------------|---------------|--------");
            var results = new List<CristianResult>();
            for (var run = 1; run <= count; run++)
            {
                await client.Configure(new ClockSettings { SkewSeconds = clientOffset });
                var result = await client.SyncWithCristian($"{id}/server", k);
                results.Add(result);
                var rtt = result.Samples[result.ChosenSample].RoundTripMs;
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {run,3} | {result.ClientSilo,-11} | {result.ServerSilo,-11} | {rtt,10:0.000} | {result.BoundMs,10:0.000} | {result.CorrectionMs,13:+0.000;-0.000} | {result.TrueErrorMs,13:+0.000;-0.000;0.000} | {(Covered(result) ? "yes" : "NO")}"));
            }

            var allCovered = results.All(Covered);
            var maxError = results.Max(r => Math.Abs(r.TrueErrorMs));
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"\nBound covered the true error in {results.Count(Covered)}/{results.Count} runs; max |true error| {maxError:0.000} ms; median min-RTT {Median(results.Select(r => r.Samples[r.ChosenSample].RoundTripMs)):0.000} ms"));
            if (parse.GetValue(json) is { } path)
            {
                var document = new
                {
                    cluster = environment.Description,
                    samples = k,
                    server_skew_ms = serverOffset * 1000,
                    client_skew_ms = clientOffset * 1000,
                    all_covered = allCovered,
                    max_abs_true_error_ms = maxError,
                    runs = results.Select(r => new
                    {
                        rtt_ms = r.Samples.Select(s => s.RoundTripMs),
                        chosen = r.ChosenSample,
                        min_rtt_ms = r.Samples[r.ChosenSample].RoundTripMs,
                        bound_ms = r.BoundMs,
                        correction_ms = r.CorrectionMs,
                        true_error_ms = r.TrueErrorMs,
                        covered = Covered(r),
                        client_offset_before_ms = r.ClientOffsetBeforeMs,
                        client_offset_after_ms = r.ClientOffsetAfterMs,
                        server_offset_ms = r.ServerOffsetMs,
                        client_silo = r.ClientSilo,
                        server_silo = r.ServerSilo,
                    }),
                };
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, BerkeleyReport.JsonOptions), ct);
                await Console.Out.WriteLineAsync($"Wrote {path}");
            }
        }));
        return command;
    }

    private static bool Covered(CristianResult result) => Math.Abs(result.TrueErrorMs) <= result.BoundMs;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private static async Task WithPlacement(SiloAddress? silo, Func<Task> call)
    {
        if (silo is not null)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        }

        try
        {
            await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private static Command BuildServe(CommonOptions common)
    {
        var options = new BerkeleyOptions();
        var cristianPort = new Option<int>("--cristian-port") { Description = "TCP port of the Cristian time server (the seed's: 8011; 0 = any free port)", DefaultValueFactory = _ => 8011, HelpName = "port" };
        var berkeleyPort = new Option<int>("--berkeley-port") { Description = "TCP port Berkeley slaves connect to (the seed's: 8080; 0 = any free port)", DefaultValueFactory = _ => 8080, HelpName = "port" };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ip" };
        var command = new Command("serve", "Serves the master clock over the seed's TCP protocols: a Cristian time server, and Berkeley slaves that join the master's rounds")
        {
            cristianPort, berkeleyPort, bind,
        };
        options.AddTo(command);
        command.SetAction((parse, ct) => Program.Run(async () =>
        {
            var (config, clocks) = options.Read(parse, rounds: 0);
            var ports = (parse.GetValue(cristianPort), parse.GetValue(berkeleyPort));
            if (ports.Item1 is < 0 or > 65535 || ports.Item2 is < 0 or > 65535)
            {
                throw new UsageException("--cristian-port and --berkeley-port must be between 0 and 65535");
            }

            if (!System.Net.IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new UsageException($"--bind '{parse.GetValue(bind)}' is not an IP address");
            }

            var (useCluster, siloCount) = options.Where.Read(parse);
            await using var environment = await ExperimentCluster.StartAsync(common.Read(parse), useCluster, siloCount, Console.Out, ct);
            await using var server = new ClockServer(environment.Client, NewId("serve"), config, clocks, Console.Out);
            await server.RunAsync(address, ports.Item1, ports.Item2, ct);
        }));
        return command;
    }

    private static string NewId(string prefix) =>
        $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
