using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace OrleansDist.Bench;

/// <summary>The parent process: starts the children, runs the scenarios side by side, prints the table and writes JSON.</summary>
internal static class BenchRunner
{
    private const double TargetP50Ratio = 3.0;
    private const double TargetCrossSiloCallsPerSec = 30_000;
    private const int EchoGrains = 4;
    private const long ClientEchoKey = 1;
    private const long CrossEchoKey = 1001;
    private const long DriverKey = 1;

    /// <param name="Served">Echo calls the echo grains' silo served during the whole run (warm-up, window, drain); a cross-check.</param>
    private sealed record Row(string Scenario, string Label, string Mode, int Concurrency, RunSummary Result, long? Served);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var total = Stopwatch.StartNew();
#if DEBUG
        Console.Error.WriteLine("warning: this is a Debug build; run with -c Release for meaningful numbers");
#endif
        var settings = MeasureSettings.For(o.Quick);
        var wantRaw = o.Scenarios.Contains("raw");
        var wantClient = o.Scenarios.Contains("client");
        var wantCross = o.Scenarios.Contains("cross");
        var needSilos = wantClient || wantCross;

        using var children = new ChildProcesses(o.Verbose);
        var ports = ChildProcesses.FreePorts(4);
        int echoPort = ports[0], siloA = ports[1], gatewayA = ports[2], siloB = ports[3];
        var starting = new List<Task<ChildProcesses.Child>>();
        var readyTimeout = TimeSpan.FromSeconds(60);
        if (wantRaw)
        {
            starting.Add(children.StartAsync("echo-server", ["--role", "echo-server", "--port", Str(echoPort)], readyTimeout));
        }

        if (needSilos)
        {
            var a = await children.StartAsync("silo A", SiloArgs("A", siloA, gatewayA, siloA, o.Verbose), readyTimeout);
            starting.Add(Task.FromResult(a));
            if (wantCross)
            {
                // B joins through A (the primary, which keeps the membership table), so it starts once A is up.
                starting.Add(children.StartAsync("silo B", SiloArgs("B", siloB, 0, siloA, o.Verbose), readyTimeout));
            }
        }

        var started = await Task.WhenAll(starting);
        if (o.OtlpEndpoint is { } otlp)
        {
            // the silo children inherit it: they trace every grain call and export to it
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", otlp);
            Console.Out.WriteLine($"Tracing on: every grain call is a span, exported over OTLP to {otlp}");
        }

        Console.Out.WriteLine($"OrleansDist.Bench{(o.Quick ? " --quick" : "")}: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Orleans {OrleansVersion}, server GC {GCSettings.IsServerGC}, payload {o.Payload} B, concurrency {string.Join(',', o.Concurrency)}");
        foreach (var child in started)
        {
            Console.Out.WriteLine($"  {child.Name,-12} pid {child.Pid,-7} {child.Ready.Result}");
        }

        var scenarios = new List<Scenario>();
        var maxConcurrency = o.Concurrency.Max();
        RawTcp.Client? raw = null;
        IHost? clientHost = null;
        WireSizes? frames = null;
        List<Row> rows;
        try
        {
            if (wantRaw)
            {
                var rawClient = raw = await RawTcp.Client.ConnectAsync(echoPort, o.Payload);
                scenarios.Add(new Scenario(
                    "raw", "raw tcp (floor)",
                    () => Measure.WarmupAsync(rawClient.PingAsync, burst => rawClient.PipelinedAsync(maxConcurrency, burst), settings),
                    (calls, seconds) => Measure.LatencyAsync(rawClient.PingAsync, calls, seconds),
                    c => rawClient.PipelinedAsync(c, settings),
                    null));
            }

            IClusterClient? client = null;
            Dictionary<string, SiloAddress> silos = [];
            if (needSilos)
            {
                clientHost = await ConnectClientAsync(gatewayA, o.Verbose);
                client = clientHost.Services.GetRequiredService<IClusterClient>();
                silos = await WaitForActiveSilosAsync(client, wantCross ? ["A", "B"] : ["A"], readyTimeout);
            }

            if (wantClient)
            {
                var echoes = new IBenchEchoGrain[EchoGrains];
                for (var i = 0; i < echoes.Length; i++)
                {
                    echoes[i] = client!.GetGrain<IBenchEchoGrain>(ClientEchoKey + i);
                    Expect("client echo grain", "A", silos["A"], await Pinning.PlaceAsync(silos["A"], echoes[i]));
                }

                var payload = Payload(o.Payload);
                Task Pipelined(int c, MeasureSettings s) => Measure.PipelinedAsync(w => echoes[w % echoes.Length].Echo(payload), c, s);
                scenarios.Add(new Scenario(
                    "client", "client->grain (A)",
                    () => Measure.WarmupAsync(() => echoes[0].Echo(payload), burst => Pipelined(maxConcurrency, burst), settings),
                    (calls, seconds) => Measure.LatencyAsync(() => echoes[0].Echo(payload), calls, seconds),
                    c => Measure.PipelinedAsync(w => echoes[w % echoes.Length].Echo(payload), c, settings),
                    echoes[0].ServedInProcess));
            }

            IBenchDriverGrain? crossDriver = null;
            if (wantCross)
            {
                var driver = crossDriver = client!.GetGrain<IBenchDriverGrain>(DriverKey);
                Expect("driver grain", "A", silos["A"], await Pinning.PlaceAsync(silos["A"], driver.WhereAmI, driver.Deactivate));
                foreach (var where in await driver.Prepare(silos["B"], CrossEchoKey, EchoGrains))
                {
                    Expect("cross-silo echo grain", "B", silos["B"], where);
                }

                scenarios.Add(new Scenario(
                    "cross", "grain A->grain B",
                    () => driver.Warmup(CrossEchoKey, EchoGrains, o.Payload, maxConcurrency, settings),
                    (calls, seconds) => driver.MeasureLatency(CrossEchoKey, o.Payload, calls, seconds),
                    c => driver.MeasurePipelined(CrossEchoKey, Math.Min(c, EchoGrains), o.Payload, c, settings),
                    client.GetGrain<IBenchEchoGrain>(CrossEchoKey).ServedInProcess));
            }

            rows = await RunScenariosAsync(scenarios, o.Concurrency, settings);
            if (crossDriver is not null)
            {
                // after the measurements: while it runs, Orleans records every message's size
                Progress("wire sizes of the cross-silo Echo messages");
                frames = await crossDriver.ProbeWireSizes(CrossEchoKey, o.Payload, 2000);
                Progress(null);
            }
        }
        finally
        {
            if (clientHost is not null)
            {
                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await clientHost.StopAsync(stopTimeout.Token);
                }
                catch (Exception) when (stopTimeout.IsCancellationRequested)
                {
                    // the silos go away with the children anyway
                }

                clientHost.Dispose();
            }

            if (raw is not null)
            {
                await raw.DisposeAsync();
            }
        }

        PrintTable(rows, o, frames, total.Elapsed);
        if (o.JsonPath is not null)
        {
            File.WriteAllText(o.JsonPath, ToJson(rows, o, frames, total.Elapsed));
            Console.Out.WriteLine($"JSON written to {o.JsonPath}");
        }

        return 0;
    }

    private static string[] SiloArgs(string name, int siloPort, int gatewayPort, int primaryPort, bool verbose) =>
        ["--role", "silo", "--name", name, "--silo-port", Str(siloPort), "--gateway-port", Str(gatewayPort), "--primary", Str(primaryPort), .. (verbose ? new[] { "--verbose" } : [])];

    /// <param name="Served">Echo calls served so far by the echo grains' silo process (a cross-check of the callers' counts); null for raw.</param>
    private sealed record Scenario(
        string Key, string Label, Func<Task> Warmup, Func<int, double, Task<LatencySamples>> Latency, Func<int, Task<RunSummary>> Pipelined, Func<Task<long>>? Served);

    /// <summary>
    /// All scenarios side by side: warm every one up first; then the sequential latency in rounds that alternate between the
    /// scenarios; then, for each concurrency, the pipelined run of each scenario.
    /// </summary>
    private static async Task<List<Row>> RunScenariosAsync(List<Scenario> scenarios, int[] concurrencies, MeasureSettings settings)
    {
        var rows = new List<Row>();
        foreach (var s in scenarios)
        {
            Progress($"warm-up {s.Label}");
            await s.Warmup();
        }

        var samples = scenarios.ToDictionary(s => s.Key, _ => (Us: new List<double>(), Seconds: 0.0, Served: (long?)0, On: (string?)null));
        for (var round = 0; round < settings.LatencyRounds; round++)
        {
            foreach (var s in scenarios)
            {
                Progress($"sequential {s.Label} ({round + 1}/{settings.LatencyRounds})");
                var before = s.Served is null ? 0 : await s.Served();
                var run = await s.Latency(settings.LatencyCalls / settings.LatencyRounds, settings.LatencyMaxSeconds / settings.LatencyRounds);
                var served = s.Served is null ? (long?)null : await s.Served() - before;
                var acc = samples[s.Key];
                acc.Us.AddRange(run.Us);
                samples[s.Key] = (acc.Us, acc.Seconds + run.Seconds, acc.Served + served, run.MeasuredOn);
            }
        }

        foreach (var s in scenarios)
        {
            var acc = samples[s.Key];
            var summary = RunSummary.FromSamples([.. acc.Us], acc.Us.Count, acc.Seconds);
            summary.MeasuredOn = acc.On;
            rows.Add(Checked(new Row(s.Key, s.Label, "sequential", 1, summary, acc.Served)));
        }

        foreach (var c in concurrencies)
        {
            foreach (var s in scenarios)
            {
                Progress($"pipelined x{c} {s.Label}");
                var before = s.Served is null ? 0 : await s.Served();
                var result = await s.Pipelined(c);
                var served = s.Served is null ? (long?)null : await s.Served() - before;
                rows.Add(Checked(new Row(s.Key, s.Label, "pipelined", c, result, served)));
            }
        }

        Progress(null);
        var order = scenarios.Select(s => s.Key).ToList();
        return [.. rows.OrderBy(r => order.IndexOf(r.Scenario)).ThenBy(r => r.Mode == "sequential" ? 0 : 1).ThenBy(r => r.Concurrency)];

        static Row Checked(Row row)
        {
            if (row.Served < row.Result.Calls)
            {
                throw new InvalidOperationException($"{row.Label} {row.Mode} x{row.Concurrency}: the caller counted {row.Result.Calls} calls but the echo grains served only {row.Served}");
            }

            return row;
        }
    }

    /// <summary>A one-line progress indicator on an interactive stderr (nothing when it is redirected).</summary>
    private static void Progress(string? what)
    {
        if (Console.IsErrorRedirected)
        {
            return;
        }

        Console.Error.Write(what is null ? "\r" + new string(' ', 70) + "\r" : $"\r  {what,-68}");
        Console.Error.Flush();
    }

    private static void Expect(string what, string expectedName, SiloAddress expected, GrainLocation actual)
    {
        if (!string.Equals(expected.ToString(), actual.RuntimeIdentity, StringComparison.Ordinal) || !string.Equals(expectedName, actual.SiloName, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{what} activated on silo {actual}, expected {expectedName} ({expected}): placement pinning did not work");
        }
    }

    /// <summary>Starts an Orleans client (a host with UseOrleansClient) connected to silo A's gateway.</summary>
    private static async Task<IHost> ConnectClientAsync(int gatewayPort, bool verbose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "OrleansDist.Bench" });
        ChildRoles.ConfigureLogging(builder.Logging, builder.Services, verbose ? LogLevel.Information : LogLevel.Warning);

        // no ConsoleLifetime: it would swallow Ctrl+C/SIGTERM (stopping only this host); ChildProcesses handles the signals
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.UseOrleansClient(c =>
        {
            c.UseLocalhostClustering(gatewayPort, ChildRoles.ServiceId, ChildRoles.ClusterId);

            // a driver call lasts a whole measurement (up to ~25 s): well under this
            c.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromMinutes(2));
        });
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Waits until the cluster lists the named silos as active (each silo's READY means it is active; the others learn it by gossip).</summary>
    private static async Task<Dictionary<string, SiloAddress>> WaitForActiveSilosAsync(IClusterClient client, string[] names, TimeSpan timeout)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hosts = await management.GetDetailedHosts(onlyActive: true);
            var byName = hosts.Where(h => h.Status == SiloStatus.Active).GroupBy(h => h.SiloName).ToDictionary(g => g.Key, g => g.First().SiloAddress);
            if (names.All(byName.ContainsKey))
            {
                return byName;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"silos {string.Join(", ", names)} not all active after {timeout.TotalSeconds:0} s; active: {string.Join(", ", byName.Select(kv => $"{kv.Key}={kv.Value}"))}");
            }

            await Task.Delay(100);
        }
    }

    private static string OrleansVersion
    {
        get
        {
            var version = typeof(IGrain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(IGrain).Assembly.GetName().Version?.ToString() ?? "?";
            // e.g. "10.4.2. Commit Hash: 876f..." or "10.4.2+876f...": keep the version number
            var end = version.IndexOfAny([' ', '+']);
            return (end < 0 ? version : version[..end]).TrimEnd('.');
        }
    }

    private static byte[] Payload(int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        return payload;
    }

    private static RunSummary? Seq(List<Row> rows, string scenario) => rows.FirstOrDefault(r => r.Scenario == scenario && r.Mode == "sequential")?.Result;

    private static RunSummary? BestPipelined(List<Row> rows, string scenario) =>
        rows.Where(r => r.Scenario == scenario && r.Mode == "pipelined").Select(r => r.Result).MaxBy(r => r.CallsPerSec);

    private static void PrintTable(List<Row> rows, BenchOptions o, WireSizes? frames, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(Inv($"{"scenario",-20} {"mode",-10} {"conc",5} {"p50 us",9} {"p99 us",9} {"mean us",9} {"calls/s",11}"));
        sb.AppendLine(new string('-', 79));
        foreach (var r in rows)
        {
            var s = r.Result;
            sb.AppendLine(Inv($"{r.Label,-20} {r.Mode,-10} {r.Concurrency,5} {s.P50Us,9:F1} {s.P99Us,9:F1} {s.MeanUs,9:F1} {s.CallsPerSec,11:N0}"));
        }

        sb.AppendLine(new string('-', 79));
        var raw = Seq(rows, "raw");
        var cross = Seq(rows, "cross");
        var client = Seq(rows, "client");
        var crossBest = BestPipelined(rows, "cross");
        if (raw is not null && client is not null)
        {
            sb.AppendLine(Inv($"client p50 / raw p50      = {client.P50Us / raw.P50Us:F2}"));
        }

        if (raw is not null && cross is not null)
        {
            var ratio = cross.P50Us / raw.P50Us;
            sb.AppendLine(Inv($"cross-silo p50 / raw p50  = {ratio:F2}   target <= {TargetP50Ratio:F0}      {(ratio <= TargetP50Ratio ? "MET" : "MISSED")}"));
        }

        if (crossBest is not null)
        {
            sb.AppendLine(Inv($"cross-silo best calls/s   = {crossBest.CallsPerSec:N0}   target >= {TargetCrossSiloCallsPerSec:N0}  {(crossBest.CallsPerSec >= TargetCrossSiloCallsPerSec ? "MET" : "MISSED")}"));
        }

        if (frames is { } f)
        {
            sb.AppendLine(Inv($"frame bytes on the wire: raw {4 + o.Payload} each way; Orleans Echo request {f.RequestBytes}, response {f.ResponseBytes}"));
        }

        sb.AppendLine(Inv($"total run time {elapsed.TotalSeconds:F1} s"));
        Console.Out.Write(sb.ToString());
    }

    private static string ToJson(List<Row> rows, BenchOptions o, WireSizes? frames, TimeSpan elapsed)
    {
        var raw = Seq(rows, "raw");
        var rawBest = BestPipelined(rows, "raw");
        var cross = Seq(rows, "cross");
        var crossBest = BestPipelined(rows, "cross");
        var client = Seq(rows, "client");
        var clientBest = BestPipelined(rows, "client");

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            Num(w, "raw_rtt_p50_us", raw?.P50Us);
            Num(w, "raw_rtt_p99_us", raw?.P99Us);
            Num(w, "raw_msgs_per_sec", rawBest?.CallsPerSec);
            Num(w, "cross_silo_call_p50_us", cross?.P50Us);
            Num(w, "cross_silo_call_p99_us", cross?.P99Us);
            Num(w, "cross_silo_calls_per_sec", crossBest?.CallsPerSec);
            Num(w, "client_call_p50_us", client?.P50Us);
            Num(w, "client_call_p99_us", client?.P99Us);
            Num(w, "client_calls_per_sec", clientBest?.CallsPerSec);
            Num(w, "cross_silo_p50_over_raw_p50", Ratio(cross?.P50Us, raw?.P50Us));
            Num(w, "cross_silo_p99_over_raw_p99", Ratio(cross?.P99Us, raw?.P99Us));
            Num(w, "client_p50_over_raw_p50", Ratio(client?.P50Us, raw?.P50Us));
            Num(w, "cross_silo_calls_per_sec_over_raw_msgs_per_sec", Ratio(crossBest?.CallsPerSec, rawBest?.CallsPerSec));
            w.WriteStartObject("targets");
            w.WriteNumber("cross_silo_p50_over_raw_p50_max", TargetP50Ratio);
            w.WriteNumber("cross_silo_calls_per_sec_min", TargetCrossSiloCallsPerSec);
            var p50Ratio = Ratio(cross?.P50Us, raw?.P50Us);
            if (p50Ratio is { } pr)
            {
                w.WriteBoolean("cross_silo_p50_met", pr <= TargetP50Ratio);
            }

            if (crossBest is not null)
            {
                w.WriteBoolean("cross_silo_calls_per_sec_met", crossBest.CallsPerSec >= TargetCrossSiloCallsPerSec);
            }

            w.WriteEndObject();
            w.WriteStartArray("rows");
            foreach (var r in rows)
            {
                var s = r.Result;
                w.WriteStartObject();
                w.WriteString("scenario", r.Scenario);
                w.WriteString("label", r.Label);
                w.WriteString("mode", r.Mode);
                w.WriteNumber("concurrency", r.Concurrency);
                w.WriteNumber("p50_us", Round(s.P50Us));
                w.WriteNumber("p99_us", Round(s.P99Us));
                w.WriteNumber("mean_us", Round(s.MeanUs));
                w.WriteNumber("max_us", Round(s.MaxUs));
                w.WriteNumber("calls_per_sec", Round(s.CallsPerSec));
                w.WriteNumber("calls", s.Calls);
                if (r.Served is { } served)
                {
                    w.WriteNumber("served_by_echo_silo", served);
                }

                w.WriteNumber("seconds", Round(s.Seconds));
                w.WriteString("measured_on", s.MeasuredOn ?? "bench");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("config");
            w.WriteBoolean("quick", o.Quick);
            w.WriteNumber("payload_bytes", o.Payload);
            w.WriteString("runtime", "Microsoft Orleans " + OrleansVersion);
            w.WriteNumber("processor_count", Environment.ProcessorCount);
            w.WriteString("dotnet", Environment.Version.ToString());
            w.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            if (frames is { } f)
            {
                w.WriteNumber("runtime_request_frame_bytes", f.RequestBytes);
                w.WriteNumber("runtime_response_frame_bytes", f.ResponseBytes);
            }

            w.WriteNumber("raw_frame_bytes", 4 + o.Payload);
            w.WriteNumber("total_seconds", Round(elapsed.TotalSeconds));
            w.WriteString("utc", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static double Round(double v) => Math.Round(v, 2);

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Round(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
