using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansDist.Lab.Tests;

/// <summary>
/// Drives <c>deploy/netns-lab.sh</c>: hosts as network namespaces, PostgreSQL, the line server and silos on their own
/// hosts. One lab at a time on a machine (the namespace names are fixed), so the lab tests run one after another.
/// <see cref="DisposeAsync"/> runs <c>down</c>, which removes every namespace, link and process the lab made.
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    public const string ClusterId = "lab";
    public const string ClientHost = "client";
    public const string ClientAddress = "198.18.0.4";
    public const string LineServer = "198.18.0.3:9801";

    private Lab(IReadOnlyDictionary<string, string> environment, ITestOutputHelper output)
    {
        Environment = environment;
        Output = output;
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Script => Path.Combine(RepositoryRoot, "deploy", "netns-lab.sh");

    /// <summary>The lab's folder: logs (HOST.out, HOST.err), certificates, pid files.</summary>
    public static string StateDirectory => Path.Combine(Path.GetTempPath(), "orleansdist-lab");

    public IReadOnlyDictionary<string, string> Environment { get; }

    public ITestOutputHelper Output { get; }

    public string Membership => Environment["LAB_MEMBERSHIP"];

    /// <summary>The TLS options a client of this lab needs (empty without --tls).</summary>
    public IReadOnlyList<string> ClientTlsArguments =>
        Environment["LAB_TLS_ARGS"].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string SiloAddress(int index) => $"198.18.0.{10 + index}";

    /// <summary>
    /// Brings a lab up (after removing any left over). Fails, not skips, when the machine cannot run it: the lab needs
    /// root and network namespaces, which CI has.
    /// </summary>
    public static async Task<Lab> UpAsync(ITestOutputHelper output, int silos, params string[] options)
    {
        RequireLabSupport();
        await RunScriptAsync(output, TimeSpan.FromSeconds(60), "down");
        var up = await RunScriptAsync(output, TimeSpan.FromSeconds(240), ["up", silos.ToString(CultureInfo.InvariantCulture), .. options]);
        if (up.ExitCode != 0)
        {
            await RunScriptAsync(output, TimeSpan.FromSeconds(60), "down");
            throw new InvalidOperationException($"netns-lab.sh up {silos} failed (exit {up.ExitCode}):\n{up.Output}");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(StateDirectory, "lab.env")))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[line[..equals]] = line[(equals + 1)..].Trim('\'');
            }
        }

        return new Lab(environment, output);
    }

    /// <summary>Root and working <c>ip netns</c>, or an exception that says what is missing (the test fails with it).</summary>
    public static void RequireLabSupport()
    {
        if (System.Environment.UserName != "root" && !string.Equals(RunQuick("id", "-u").Trim(), "0", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                "the network-namespace lab tests need root (ip netns, veth pairs, a bridge); run them as root (CI does), e.g. sudo dotnet test tests/Lab.Tests");
        }

        var check = RunQuick("ip", "netns", "list");
        if (check.StartsWith("error:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the network-namespace lab tests need 'ip netns' (iproute2) and network namespace support: {check}");
        }
    }

    public Task<ScriptResult> RunAsync(TimeSpan timeout, params string[] arguments) => RunScriptAsync(Output, timeout, arguments);

    /// <summary>Runs a lab command and fails the test when it fails.</summary>
    public async Task<string> RunCheckedAsync(TimeSpan timeout, params string[] arguments)
    {
        var result = await RunAsync(timeout, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"netns-lab.sh {string.Join(' ', arguments)} failed (exit {result.ExitCode}):\n{result.Output}");
        }

        return result.Output;
    }

    /// <summary>Runs the orleansdist client on the client host (membership and TLS of the lab, then <paramref name="arguments"/>).</summary>
    public Task<ScriptResult> ClientAsync(TimeSpan timeout, params string[] arguments) => RunAsync(timeout, ["client", .. arguments]);

    /// <summary>Runs a program on a lab host in the background (the client host by default), its output collected.</summary>
    public LabProcess StartOnHost(string host, params string[] command) =>
        LabProcess.Start(["netns", "exec", $"odl-{host}", .. command], Output);

    /// <summary>A log of a lab program (HOST.err: the silo's or line server's log lines).</summary>
    public static string ReadLog(string name)
    {
        var path = Path.Combine(StateDirectory, name);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    /// <summary>The membership rows of the lab's cluster, read with psql on the client host.</summary>
    public async Task<IReadOnlyList<MembershipRow>> ReadMembershipAsync()
    {
        var result = await RunProcessAsync(
            "ip",
            ["netns", "exec", "odl-client", "psql", "-h", "198.18.0.2", "-p", "5432", "-U", "postgres", "-d", "orleans", "-X", "-A", "-t", "-F", "|", "-c",
                "SELECT siloname, address, generation, status FROM orleansmembershiptable WHERE deploymentid = 'lab' ORDER BY siloname, generation"],
            TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            // before the first silo created the table, or a slow database: no rows yet
            return [];
        }

        return [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|'))
            .Where(f => f.Length == 4 && int.TryParse(f[3], out _))
            .Select(f => new MembershipRow(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture)))];
    }

    /// <summary>Where the last lab's logs are copied before <c>down</c> removes them (to look into a failure).</summary>
    public static string LastLogsDirectory => Path.Combine(Path.GetTempPath(), "orleansdist-lab-last-logs");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(LastLogsDirectory))
            {
                Directory.Delete(LastLogsDirectory, recursive: true);
            }

            Directory.CreateDirectory(LastLogsDirectory);
            foreach (var log in Directory.EnumerateFiles(StateDirectory).Where(f => f.EndsWith(".out", StringComparison.Ordinal) || f.EndsWith(".err", StringComparison.Ordinal)))
            {
                File.Copy(log, Path.Combine(LastLogsDirectory, Path.GetFileName(log)));
            }
        }
        catch (IOException)
        {
            // the logs are a convenience; down must run regardless
        }

        await RunScriptAsync(Output, TimeSpan.FromSeconds(90), "down");
    }

    public static async Task<ScriptResult> RunScriptAsync(ITestOutputHelper output, TimeSpan timeout, params string[] arguments)
    {
        var result = await RunProcessAsync(Script, arguments, timeout);
        output.WriteLine($"$ deploy/netns-lab.sh {string.Join(' ', arguments)}  (exit {result.ExitCode}, {result.Elapsed.TotalSeconds:0.0} s)");
        output.WriteLine(result.Output.TrimEnd());
        return result;
    }

    public static async Task<ScriptResult> RunProcessAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append($"(killed after {timeout.TotalSeconds:0} s)");
            return new ScriptResult(-1, Read(), watch.Elapsed);
        }

        process.WaitForExit();
        return new ScriptResult(process.ExitCode, Read(), watch.Elapsed);

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (text)
                {
                    text.AppendLine(line);
                }
            }
        }

        string Read()
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }

    private static string RunQuick(string file, params string[] arguments)
    {
        try
        {
            var result = RunProcessAsync(file, arguments, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            return result.ExitCode == 0 ? result.Output : "error: " + result.Output.Trim();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"error: {file}: {ex.Message}";
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansDist.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansDist.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>What a lab command printed (stdout and stderr together) and how it ended.</summary>
public sealed record ScriptResult(int ExitCode, string Output, TimeSpan Elapsed);

/// <summary>One row of the membership table; status 3 = Active, 6 = Dead.</summary>
public sealed record MembershipRow(string Silo, string Address, int Generation, int Status)
{
    public const int Active = 3;
    public const int Dead = 6;
}
