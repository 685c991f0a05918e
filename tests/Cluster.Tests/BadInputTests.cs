using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Dist.GrainInterfaces.Diagnostics;
using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>What a user sees when a silo is started against a broken or missing database, or with bad options.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed partial class BadInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostgresDownAtStartIsRetriedWithBackoffAndTheSiloStartsOnceTheDatabaseAppears()
    {
        await using var db = await TestDatabase.CreateAsync(Databases.Postgres, "late");
        var real = new NpgsqlConnectionStringBuilder(db.Connection);
        var port = SiloProcess.FreePort();

        // the silo is pointed at a port nothing listens on yet; the password must never show in its output
        var late = new NpgsqlConnectionStringBuilder(db.Connection) { Host = "127.0.0.1", Port = port, Password = "secret-pw-4711" };
        var clusterId = "late-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = SiloProcess.Launch("late", "postgres:" + late.ConnectionString, clusterId, fastMembership: true);

        // three complaints: retried after 0.5 s, 1 s and 2 s
        await WaitForComplaintsAsync(silo, 3, TimeSpan.FromSeconds(30));
        Assert.False(silo.HasExited, silo.Output);
        var complaints = Complaints(silo.StdErr);
        Assert.All(complaints, c => Assert.Contains($"127.0.0.1:{port}", c));
        AssertBackoff(complaints);

        var clock = Stopwatch.StartNew();
        await using var database = TcpForwarder.Start(port, new IPEndPoint(IPAddress.Loopback, real.Port));
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        Report.Measured(output, $"[pg-down] the silo was ready {clock.Elapsed.TotalSeconds:0.0} s after the database appeared, after {Complaints(silo.StdErr).Count} complaints:");
        output.WriteLine(string.Join('\n', Complaints(silo.StdErr)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"ready {clock.Elapsed.TotalSeconds:0.0} s after the database appeared; the backoff is at most 5 s");

        await using var client = await TestClient.ConnectAsync(clusterId, silo.Gateway);
        await client.GetGrain<IRegisterGrain>(7).Write("stored-after-a-late-start");
        Assert.Equal("stored-after-a-late-start", (await client.GetGrain<IRegisterGrain>(7).Read()).Value);
        Assert.DoesNotContain("secret-pw-4711", silo.Output);
    }

    [Fact]
    public async Task CorruptSqliteFileStopsTheSiloNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleansdist-corrupt-{Guid.NewGuid():N}.db");
        var garbage = new byte[20_000];
        Random.Shared.NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage);
        try
        {
            var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30),
                "--membership", "sqlite:" + path, "--silo-port", SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--gateway-port", "0");
            Assert.False(result.TimedOut, "the silo should give up at once: waiting does not repair a file\n" + result.StdErr);
            Assert.Equal(1, result.ExitCode);
            var error = result.StdErr.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal));
            output.WriteLine(error);
            Assert.Contains(path, error);
            Assert.Contains("not a SQLite database", error);
            Assert.DoesNotContain("SILO READY", result.StdOut);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnknownMembershipSchemeIsRejectedWithTheValidOnes()
    {
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30), "--membership", "redis:localhost");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown membership scheme 'redis'", result.StdErr);
        Assert.Contains("sqlite:<path>, postgres:<connection string>, localhost", result.StdErr);
    }

    [Theory]
    [InlineData("--task-server-port http", "--task-server-port: 'http' is not valid: expected a port number")]
    [InlineData("--task-server-port 7100 --task-ms 40000", "--task-ms: '40000' is not valid: a task must end within --response-timeout (10 s)")]
    [InlineData("--task-server-port 7100 --work gpu", "--work: 'gpu' is not valid: expected io or cpu")]
    public async Task TaskServerOptionsAreCheckedBeforeTheSiloStarts(string arguments, string message)
    {
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(30), arguments.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiloWithoutTheTaskServerStartsWithAResponseTimeoutShorterThanTheDefaultTask()
    {
        // --task-ms (default 3000) is held against --response-timeout only when --task-server-port runs the front end
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "short-timeout");
        await using var silo = await SiloProcess.StartAsync("silo0", db.Spec, "short-timeout-" + Guid.NewGuid().ToString("N")[..8], fastMembership: true, ["--response-timeout", "2s"]);
        Assert.False(silo.HasExited, silo.Output);
    }

    [Fact]
    public async Task SecondSiloOnTheSamePortIsRefused()
    {
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "port");
        await using var first = await SiloProcess.StartAsync("first", db.Spec, "port-" + Guid.NewGuid().ToString("N")[..8], fastMembership: true);
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(15),
            "--membership", db.Spec, "--silo-port", first.SiloPort.ToString(CultureInfo.InvariantCulture), "--gateway-port", "0");
        var error = result.StdErr.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal));
        output.WriteLine(error ?? "(no error line)");
        Assert.False(result.TimedOut, $"the second silo started on port {first.SiloPort}, which the first silo listens on:\n{result.StdOut}");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{first.SiloPort}", result.StdErr);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task ClusterStatusShowsTheTableAndADeadSilo()
    {
        var clusterId = "status-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "status");
        await using var silos = await SiloGroup.StartAsync(2, db.Spec, clusterId, fastMembership: true, namePrefix: "st");
        silos.Processes[1].Kill();
        await using (var table = await MembershipReader.OpenAsync(db, clusterId))
        {
            await table.WaitForStatusAsync(silos.Processes[1], SiloStatus.Dead, TimeSpan.FromSeconds(15));
        }

        var status = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "cluster", "status", "--membership", db.Spec, "--cluster-id", clusterId);
        Assert.Equal(0, status.ExitCode);
        var lines = status.StdOut.Split('\n');
        Assert.Contains(lines, l => l.Contains("st0") && l.Contains("Active"));
        Assert.Contains(lines, l => l.Contains("st1") && l.Contains("Dead"));

        var json = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "cluster", "status", "--json", "--membership", db.Spec, "--cluster-id", clusterId);
        Assert.Equal(0, json.ExitCode);
        using (var document = JsonDocument.Parse(json.StdOut))
        {
            var rows = document.RootElement.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString());
            Assert.Equal("Active", rows["st0"]);
            Assert.Equal("Dead", rows["st1"]);
        }

        var hello = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "hello", "--name", "tester", "--membership", db.Spec, "--cluster-id", clusterId);
        Assert.True(hello.ExitCode == 0, hello.StdErr);
        Assert.Contains("st0", hello.StdOut);
    }

    [Theory]
    [InlineData("--fetchers 0", "--fetchers must be between 1 and")]
    [InlineData("--server nowhere", "--server 'nowhere' is not host:port")]
    [InlineData("--entry has space@team", "unrecognized")]
    [InlineData("--entry noteam", "must look like entryID@team")]
    [InlineData("--lines -5", "--lines must be between 1 and")]
    [InlineData("--source-address 300.1.1.1", "is not an IP address")]
    public async Task DownloadArgumentsAreCheckedBeforeAnythingStarts(string arguments, string message)
    {
        var result = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), ["download", .. arguments.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Embedded", result.StdOut);
    }

    [Fact]
    public async Task ExperimentFetcherListIsChecked()
    {
        var result = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "experiment", "download", "--fetchers", "1,x,3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("must be a comma-separated list of counts", result.StdErr);
    }

    /// <summary>The installer's "database … unreachable: …; retrying in N s" warnings.</summary>
    internal static List<string> Complaints(string stderr) =>
        [.. stderr.Split('\n').Where(l => l.Contains(" unreachable: ", StringComparison.Ordinal) && l.Contains("retrying in", StringComparison.Ordinal))];

    internal static async Task WaitForComplaintsAsync(ProgramProcess process, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Complaints(process.StdErr).Count < count)
        {
            if (clock.Elapsed > timeout || process.HasExited)
            {
                throw new TimeoutException($"expected {count} 'unreachable' warnings:\n{process.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The announced delays double from 0.5 s and never exceed 5 s: the log names each retry, not a busy loop. The last
    /// delay of a wait that ran out may be shorter (cut to the time left).
    /// </summary>
    internal static void AssertBackoff(IReadOnlyList<string> complaints, bool lastMayBeCut = false)
    {
        var delays = complaints.Select(c => double.Parse(RetryDelay().Match(c).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var shown = "delays: " + string.Join(", ", delays);
        Assert.True(delays.Count >= 2, "at least two retries; " + shown);
        Assert.Equal(0.5, delays[0]);
        Assert.Equal(1, delays[1]);

        // once cut, the delays only shrink towards the end of the wait (the installer may even announce "0 s" before its
        // last attempt)
        var growing = 1;
        while (growing < delays.Count && (!lastMayBeCut || delays[growing] >= delays[growing - 1]))
        {
            growing++;
        }

        for (var i = 1; i < growing; i++)
        {
            Assert.True(delays[i] >= delays[i - 1] && delays[i] <= 5, shown);
        }

        for (var i = growing; i < delays.Count; i++)
        {
            Assert.True(delays[i] <= delays[i - 1], shown);
        }

        Assert.True(delays.Count - growing <= 2, "at most two cut delays at the end of the wait; " + shown);
    }

    [GeneratedRegex(@"retrying in ([0-9.]+) s")]
    private static partial Regex RetryDelay();
}

/// <summary>Tests that mostly wait (an idle process, no CPU), run beside the multi-process collection.</summary>
[CollectionDefinition(nameof(IdleWaitCollection))]
public sealed class IdleWaitCollection;

[Collection(nameof(IdleWaitCollection))]
public sealed class DatabaseNeverAppearsTests(ITestOutputHelper output)
{
    /// <summary>
    /// The other outcome of a database that is down at start: it never comes, so the silo gives up after its wait (60 s,
    /// <c>AdoNetSchemaOptions.MaxWait</c>) with exit code 1 and an error naming the database, not the password.
    /// </summary>
    [Fact]
    public async Task PostgresThatNeverAppearsStopsTheSiloWithExitCode1AndAClearErrorAfterItsWait()
    {
        var port = SiloProcess.FreePort();
        var clock = Stopwatch.StartNew();
        var result = await SiloProcess.RunAsync(SiloProcess.SiloDll, TimeSpan.FromSeconds(120),
            "--membership", $"postgres:Host=127.0.0.1;Port={port};Username=postgres;Password=secret-pw-0815;Database=nowhere",
            "--silo-port", SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--gateway-port", "0", "--cluster-id", "never-" + Guid.NewGuid().ToString("N")[..8]);
        var complaints = BadInputTests.Complaints(result.StdErr);
        var error = result.StdErr.Split('\n').LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal));
        Report.Measured(output, $"[pg-never] exit code {result.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s, {complaints.Count} complaints, then: {error}");

        Assert.False(result.TimedOut, "the silo should give up on its own:\n" + result.StdErr);
        Assert.Equal(1, result.ExitCode);
        Assert.NotNull(error);
        Assert.Contains($"127.0.0.1:{port}", error);
        Assert.Contains("unreachable", error);
        Assert.All(complaints, c => Assert.Contains($"127.0.0.1:{port}", c));
        BadInputTests.AssertBackoff(complaints, lastMayBeCut: true);

        // 60 s of retries at 0.5, 1, 2, 4, then every 5 s: about 15 complaints, not thousands
        Assert.InRange(complaints.Count, 8, 20);
        Assert.InRange(clock.Elapsed.TotalSeconds, 55, 100);
        Assert.DoesNotContain("secret-pw-0815", result.StdErr + result.StdOut);
        Assert.DoesNotContain("SILO READY", result.StdOut);
    }
}
