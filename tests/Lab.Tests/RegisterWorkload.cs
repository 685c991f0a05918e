using System.Collections.Concurrent;
using System.Globalization;
using Dist.GrainInterfaces.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDist.Hosting;

namespace OrleansDist.Lab.Tests;

/// <summary>
/// A grain workload for partition tests: one loop per register grain (IRegisterGrain, persisted in PostgreSQL) writes
/// "id:seq" and reads it back, every call with a short response timeout, and prints one line per call:
/// <c>OK unix_ms id write|read silo version seq</c> or <c>FAIL unix_ms id write|read ms error</c>. Writes are
/// compare-and-set (<c>WriteIfVersion</c>) on the version this client last saw, as a real client of a replicated register
/// must write: a write that timed out may still take effect later (<c>UNKNOWN unix_ms id seq=N expected=V</c>), and a
/// conditional write that lands late finds a newer version and is refused instead of overwriting newer acknowledged
/// writes. A refused write prints <c>REFUSED</c> and the loop continues from the version it returned. A value (read or
/// returned by a write) below the last acknowledged write prints <c>LOST</c>; one below a value or version seen before
/// prints <c>REGRESS</c>. On "stop" (stdin) it reads every register once more
/// (<c>FINAL id seq version silo acked</c>), lists the register activations of the whole cluster
/// (<c>ACTIVATION grain silo</c>, from Orleans' management grain) and prints <c>DONE</c>. <c>--gateway-refresh S</c> sets
/// how often the client rereads the gateways from the membership table (UseOrleansDist's default: 10 s; Orleans' own: 60 s).
/// </summary>
public static class RegisterWorkload
{
    /// <summary>Register keys used: far from what other tests and users write.</summary>
    public const long FirstKey = 160_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseOrleansDist(new OrleansDistClientOptions
            {
                ClusterId = options.ClusterId,
                Membership = ("postgres", options.Membership),
                ResponseTimeout = options.CallTimeout,
                Tls = options.Tls is { } files ? TlsCredentials.Load(files) : null,
                // how long a client keeps sending through a gateway that vanished; UseOrleansDist's default is 10 s
                GatewayListRefreshPeriod = options.GatewayRefresh ?? new OrleansDistClientOptions().GatewayListRefreshPeriod,
            })
            .UseConnectionRetryFilter(async (_, ct) =>
            {
                await Task.Delay(500, ct);
                return true;
            }));
        using var host = builder.Build();
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.StartAsync(connect.Token);
        }

        var client = host.Services.GetRequiredService<IClusterClient>();
        var acked = new ConcurrentDictionary<long, long>();
        var seen = new ConcurrentDictionary<long, long>();
        using var stop = new CancellationTokenSource();
        // deal the registers out over the silos (placement hint on each first call), so that every silo hosts some
        var silos = (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
        Print($"READY {silos.Count} silos");
        var loops = Enumerable.Range(0, options.Registers)
            .Select(i => Task.Run(() => LoopAsync(client, FirstKey + i, silos[i % silos.Count], acked, seen, stop.Token)))
            .ToArray();

        // stop on "stop" or when stdin closes
        while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
        {
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);

        for (var i = 0; i < options.Registers; i++)
        {
            var id = FirstKey + i;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (true)
            {
                try
                {
                    var value = await client.GetGrain<IRegisterGrain>(id).Read();
                    Print($"FINAL {id} {SeqOf(value.Value)} {value.Version} {value.SiloName} {acked.GetValueOrDefault(id)}");
                    break;
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }

        var management = client.GetGrain<IManagementGrain>(0);
        foreach (var activation in await management.GetDetailedGrainStatistics())
        {
            if (activation.GrainType.Contains("RegisterGrain", StringComparison.Ordinal))
            {
                Print($"ACTIVATION {activation.GrainId} {activation.SiloAddress.ToParsableString()}");
            }
        }

        Print("DONE");
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task LoopAsync(
        IClusterClient client, long id, SiloAddress placeOn, ConcurrentDictionary<long, long> acked, ConcurrentDictionary<long, long> seen, CancellationToken stop)
    {
        var register = client.GetGrain<IRegisterGrain>(id);
        RequestContext.Set(Orleans.Runtime.Placement.IPlacementDirector.PlacementHintKey, placeOn);
        long seq = 0;
        long seenVersion = 0;
        // the version this client last saw (acknowledged write, refusal or read): the next write is conditional on it
        long knownVersion = 0;

        void Observe(RegisterValue value)
        {
            var read = SeqOf(value.Value);
            if (read < acked.GetValueOrDefault(id))
            {
                Print($"LOST {Now()} {id} acked={acked.GetValueOrDefault(id)} read={read}");
            }

            if (read < seen.GetValueOrDefault(id) || value.Version < seenVersion)
            {
                Print($"REGRESS {Now()} {id} seen={seen.GetValueOrDefault(id)} read={read} seen-version={seenVersion} version={value.Version}");
            }

            seen.AddOrUpdate(id, read, (_, old) => Math.Max(old, read));
            seenVersion = Math.Max(seenVersion, value.Version);
            knownVersion = value.Version;
        }

        while (!stop.IsCancellationRequested)
        {
            seq++;
            var expected = knownVersion;
            var started = Environment.TickCount64;
            try
            {
                var result = await register.WriteIfVersion(expected, $"{id}:{seq}");
                RequestContext.Clear();
                if (result.Applied)
                {
                    acked[id] = seq;
                    Print($"OK {Now()} {id} write {result.Current.SiloName} {result.Current.Version} {seq}");
                }
                else
                {
                    Print($"REFUSED {Now()} {id} write seq={seq} expected={expected} version={result.Current.Version} holds={SeqOf(result.Current.Value)}");
                }

                Observe(result.Current);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                // the request may still be in flight (e.g. in the buffers of a connection to a cut-off gateway) and land
                // later: its outcome is unknown, not lost; the read below tells what is there and the next write builds on it
                Print($"FAIL {Now()} {id} write {Environment.TickCount64 - started} {ex.GetType().Name}");
                Print($"UNKNOWN {Now()} {id} seq={seq} expected={expected}");
            }

            started = Environment.TickCount64;
            try
            {
                var value = await register.Read();
                Print($"OK {Now()} {id} read {value.SiloName} {value.Version} {SeqOf(value.Value)}");
                Observe(value);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                Print($"FAIL {Now()} {id} read {Environment.TickCount64 - started} {ex.GetType().Name}");
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static long SeqOf(string? value) =>
        value is not null && value.LastIndexOf(':') is var colon and > 0 && long.TryParse(value.AsSpan(colon + 1), CultureInfo.InvariantCulture, out var seq) ? seq : 0;

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static void Print(string line)
    {
        lock (Console.Out)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private static WorkloadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        var tls = new TlsFiles
        {
            CertificatePath = values.GetValueOrDefault("--tls-cert"),
            KeyPath = values.GetValueOrDefault("--tls-key"),
            AuthorityPath = values.GetValueOrDefault("--tls-ca"),
        };
        var membership = values.GetValueOrDefault("--membership") ?? throw new ArgumentException("--membership postgres:... is required");
        return new WorkloadOptions(
            membership.StartsWith("postgres:", StringComparison.Ordinal) ? membership["postgres:".Length..] : membership,
            values.GetValueOrDefault("--cluster-id") ?? Lab.ClusterId,
            int.Parse(values.GetValueOrDefault("--registers") ?? "24", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("--call-timeout") ?? "2", CultureInfo.InvariantCulture)),
            tls.Any ? tls : null,
            values.GetValueOrDefault("--gateway-refresh") is { } refresh ? TimeSpan.FromSeconds(double.Parse(refresh, CultureInfo.InvariantCulture)) : null);
    }

    private sealed record WorkloadOptions(string Membership, string ClusterId, int Registers, TimeSpan CallTimeout, TlsFiles? Tls, TimeSpan? GatewayRefresh);
}
