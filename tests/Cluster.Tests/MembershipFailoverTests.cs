using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.Diagnostics;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>Three real silo processes on one database (SQLite file or PostgreSQL server), killed with SIGKILL or stopped with SIGTERM.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class MembershipFailoverTests(ITestOutputHelper output)
{
    public const string Production = "production";
    public const string Fast = "fast";

    /// <summary>What each membership profile promises after a <c>kill -9</c>: the row reads Dead within this many seconds.</summary>
    public static double DeadBoundSeconds(string profile) => profile == Fast ? 2 : 6;

    /// <summary>A grain of the killed silo answers again, from another silo, within this many seconds of the kill.</summary>
    public const double AnswerAgainBoundSeconds = 8;

    public static IEnumerable<object[]> KillCases() =>
        from database in new[] { Databases.Sqlite, Databases.Postgres }
        from profile in new[] { Production, Fast }
        select new object[] { database, profile };

    [Theory]
    [MemberData(nameof(KillCases))]
    public async Task Kill9OfOneOfThreeSilosIsDeadWithinTheProfilesBoundAndItsGrainsAnswerAgainWithTheirState(string database, string profile)
    {
        var fast = profile == Fast;
        var clusterId = $"kill9-{profile}-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(database, "kill9");
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fast);
        Report.Measured(output, $"[start] {database}: 3 silos ready after {silos.StartTime.TotalSeconds:0.0} s");
        await using var table = await MembershipReader.OpenAsync(db, clusterId);
        await table.WaitForAllActiveAsync(silos.Processes, TimeSpan.FromSeconds(30));

        // A short response timeout. The first call after the kill is neither answered nor rejected: it waits out the
        // client's response timeout even once the silo is Dead (measured: 30.5-31 s with the product's default of 30 s,
        // OrleansDistClientOptions.ResponseTimeout), so the time to answer again is this timeout plus a retry.
        await using var client = await TestClient.ConnectAsync(clusterId, silos.Gateways, TimeSpan.FromSeconds(2));
        var hosts = new Dictionary<long, string>();
        for (var i = 0L; i < 100; i++)
        {
            var grain = client.GetGrain<IRegisterGrain>(i);
            await grain.Write($"value-{i}");
            hosts[i] = (await grain.Read()).SiloName;
        }

        var byHost = hosts.GroupBy(h => h.Value).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("grains per silo before the kill: " + string.Join(", ", byHost.Select(h => $"{h.Key}={h.Value}")));
        Assert.True(byHost.Count >= 2, "100 grains should spread over the silos");

        var victim = silos.Processes.OrderByDescending(p => byHost.GetValueOrDefault(p.Name)).First();
        var probe = hosts.First(h => h.Value == victim.Name).Key;

        // every silo has seen the other two Active and probes them
        await Task.Delay(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        victim.Kill();
        var deadTask = table.WaitForStatusAsync(victim, SiloStatus.Dead, TimeSpan.FromSeconds(60), clock);
        var failures = new List<string>();
        var answerTask = AnswerAgainAsync(client.GetGrain<IRegisterGrain>(probe), victim.Name, clock, failures);
        await Task.WhenAll(deadTask, answerTask);
        var deadAfter = await deadTask;
        var (answeredAfter, answer) = await answerTask;

        var report = string.Create(CultureInfo.InvariantCulture,
            $"[kill9] {database} {profile} profile: {victim.Name} (kill -9 of 1 of 3 silos) Dead after {deadAfter.TotalSeconds:0.00} s (bound {DeadBoundSeconds(profile)} s); "
            + $"its grain {probe} answered again from {answer.SiloName} after {answeredAfter.TotalSeconds:0.00} s (bound {AnswerAgainBoundSeconds} s); "
            + $"{failures.Count} retried failures: {string.Join(", ", failures.GroupBy(f => f.Split(' ').Last()).Select(g => $"{g.Key}×{g.Count()}"))}");
        Report.Measured(output, report);

        Assert.Equal($"value-{probe}", answer.Value);
        Assert.True(deadAfter.TotalSeconds <= DeadBoundSeconds(profile),
            $"{database}, {profile} profile: declared Dead after {deadAfter.TotalSeconds:0.00} s; the bound is {DeadBoundSeconds(profile)} s");
        Assert.True(answeredAfter.TotalSeconds <= AnswerAgainBoundSeconds,
            $"{database}, {profile} profile: the killed silo's grain answered again after {answeredAfter.TotalSeconds:0.00} s; the bound is {AnswerAgainBoundSeconds} s");

        // the state of every grain survived the kill, wherever it lived
        for (var i = 0L; i < 100; i++)
        {
            var id = i;
            var value = await ClusterClients.RetryAsync(() => client.GetGrain<IRegisterGrain>(id).Read());
            Assert.Equal($"value-{i}", value.Value);
            Assert.Equal(1, value.Version);
            Assert.NotEqual(victim.Name, value.SiloName);
        }

        output.WriteLine($"all 100 grains answered with their state {clock.Elapsed.TotalSeconds:0.00} s after the kill");

        // one activation per grain: two clients through two different surviving gateways see the same silo for each grain
        var survivors = silos.Processes.Where(p => p != victim).ToList();
        await using var viaFirst = await TestClient.ConnectAsync(clusterId, survivors[0].Gateway);
        await using var viaSecond = await TestClient.ConnectAsync(clusterId, survivors[1].Gateway);
        for (var i = 0L; i < 100; i++)
        {
            var a = await viaFirst.GetGrain<IRegisterGrain>(i).Read();
            var b = await viaSecond.GetGrain<IRegisterGrain>(i).Read();
            Assert.True(a.SiloName == b.SiloName, $"grain {i}: {a.SiloName} via {survivors[0].Name}, {b.SiloName} via {survivors[1].Name}");
        }
    }

    /// <summary>Calls the grain until a silo other than <paramref name="victim"/> answers, retrying what a caller may retry.</summary>
    private static async Task<(TimeSpan After, RegisterValue Value)> AnswerAgainAsync(IRegisterGrain grain, string victim, Stopwatch clock, List<string> failures)
    {
        while (true)
        {
            try
            {
                var value = await grain.Read();
                if (value.SiloName != victim)
                {
                    return (clock.Elapsed, value);
                }
            }
            catch (Exception ex) when (ClusterClients.IsRetryable(ex) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                lock (failures)
                {
                    failures.Add($"{clock.Elapsed.TotalSeconds:0.00} s {ex.GetType().Name}");
                }
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The production profile on both databases; the fast one (tests, demos) on one.</summary>
    public static IEnumerable<object[]> CrashCases() =>
    [
        [Databases.Sqlite, Production],
        [Databases.Postgres, Production],
        [Databases.Postgres, Fast],
    ];

    [Theory]
    [MemberData(nameof(CrashCases))]
    public async Task WholeClusterKilledAndRestartedOnTheSameDatabaseIsActiveWithin30SecondsWithItsState(string database, string profile)
    {
        var fast = profile == Fast;
        var clusterId = $"crash-{profile}-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(database, "crash");
        var first = await SiloGroup.StartAsync(3, db.Spec, clusterId, fast);
        List<SiloProcess> crashed;
        try
        {
            await using (var client = await TestClient.ConnectAsync(clusterId, first.Gateways))
            {
                for (var i = 0L; i < 30; i++)
                {
                    await client.GetGrain<IRegisterGrain>(i).Write($"before-crash-{i}");
                }
            }

            // and one through the command-line client
            var written = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60),
                "register", "write", "1000", "written-by-the-cli", "--cluster-id", clusterId, "--gateway", $"127.0.0.1:{first.Processes[0].GatewayPort}");
            Assert.True(written.ExitCode == 0, written.StdErr);

            crashed = [.. first.Processes];
            foreach (var silo in crashed)
            {
                silo.Kill();
            }

            foreach (var silo in crashed)
            {
                await silo.WaitUntilGoneAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
        }

        // nothing cleaned by hand: the rows of the crashed silos still read Active
        await using var reader = await MembershipReader.OpenAsync(db, clusterId);
        var before = await reader.ReadAsync();
        output.WriteLine("rows after the crash: " + string.Join(", ", before.Select(e => $"{e.SiloName}={e.Status}")));
        Assert.Equal(3, before.Count(e => e.Status == SiloStatus.Active));

        var clock = Stopwatch.StartNew();
        await using var second = await SiloGroup.StartAsync(3, db.Spec, clusterId, fast, namePrefix: "fresh");
        foreach (var silo in second.Processes)
        {
            await reader.WaitForStatusAsync(silo, SiloStatus.Active, TimeSpan.FromSeconds(60) - clock.Elapsed, clock);
        }

        var activeAfter = clock.Elapsed;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"[crash] {database} {profile} profile: 3 fresh silos Active {activeAfter.TotalSeconds:0.00} s after the restart of a cluster killed whole with kill -9 (bound 30 s)");
        Report.Measured(output, report);
        Assert.True(activeAfter <= TimeSpan.FromSeconds(30), report);

        await using var after = await TestClient.ConnectAsync(clusterId, second.Gateways);
        for (var i = 0L; i < 30; i++)
        {
            var id = i;
            var value = await ClusterClients.RetryAsync(() => after.GetGrain<IRegisterGrain>(id).Read());
            Assert.Equal($"before-crash-{i}", value.Value);
        }

        // the command-line client finds the new gateways in the table (the crashed silos' rows must not send it astray)
        var read = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(60),
            "register", "read", "1000", "--json", "--cluster-id", clusterId, "--membership", db.Spec, "--connect-timeout", "20");
        Assert.True(read.ExitCode == 0, read.StdErr);
        using (var json = JsonDocument.Parse(read.StdOut))
        {
            Assert.Equal("written-by-the-cli", json.RootElement.GetProperty("value").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("version").GetInt64());
        }

        // the crashed silos' rows end Dead, declared so by the new silos
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<MembershipEntry> rows;
        while (true)
        {
            rows = await reader.ReadAsync();
            var stale = rows.Where(e => crashed.Any(p => p.SiloPort == e.SiloAddress.Endpoint.Port)).ToList();
            if (stale.All(e => e.Status == SiloStatus.Dead) || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.All(stale, e => Assert.Equal(SiloStatus.Dead, e.Status));
                break;
            }

            await Task.Delay(200);
        }

        output.WriteLine("rows at the end: " + string.Join(", ", rows.Select(e => $"{e.SiloName}={e.Status}")));
    }

    [Fact]
    public async Task GracefulStopLosesNoCallAndLeavesTheRowDead()
    {
        var clusterId = "sigterm-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "sigterm");
        await using var silos = await SiloGroup.StartAsync(3, db.Spec, clusterId, fastMembership: true);
        await using var client = await TestClient.ConnectAsync(clusterId, silos.Processes[0].Gateway, silos.Processes[1].Gateway);
        var victim = silos.Processes[2];

        var lastWritten = new long[40];
        var succeeded = 0;
        var retryable = 0;
        var other = new List<Exception>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, lastWritten.Length).Select(id => Task.Run(async () =>
        {
            for (long n = 1; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await client.GetGrain<IRegisterGrain>(id).Write(n.ToString(CultureInfo.InvariantCulture));
                    Interlocked.Exchange(ref lastWritten[id], n);
                    Interlocked.Increment(ref succeeded);
                }
                catch (OrleansMessageRejectionException)
                {
                    // SiloUnavailableException, or "Silo stopping": the call was refused before it ran; the caller may retry
                    Interlocked.Increment(ref retryable);
                    await Task.Delay(50);
                }
                catch (Exception ex)
                {
                    lock (other)
                    {
                        other.Add(ex);
                    }
                }
            }
        })).ToList();

        await Task.Delay(1500);
        var exitCode = await victim.TerminateAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        stop.Cancel();
        await Task.WhenAll(writers);

        output.WriteLine($"{succeeded} writes succeeded, {retryable} were refused with a retryable OrleansMessageRejectionException/SiloUnavailableException, {other.Count} other errors; silo exit code {exitCode}");
        Assert.Empty(other.Select(e => e.GetType().Name + ": " + e.Message));
        Assert.Equal(0, exitCode);

        await using var table = await MembershipReader.OpenAsync(db, clusterId);
        var row = await table.LatestRowAsync(victim);
        Assert.Equal(SiloStatus.Dead, row!.Status);

        for (var id = 0; id < lastWritten.Length; id++)
        {
            var key = id;
            var value = await ClusterClients.RetryAsync(() => client.GetGrain<IRegisterGrain>(key).Read());
            Assert.Equal(lastWritten[id].ToString(CultureInfo.InvariantCulture), value.Value);
        }
    }
}

[CollectionDefinition(nameof(MultiProcessCollection))]
public sealed class MultiProcessCollection;
