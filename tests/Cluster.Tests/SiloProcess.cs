using System.Net;
using OrleansDist.Telemetry;

namespace OrleansDist.Cluster.Tests;

/// <summary>A real <c>OrleansDist.Silo</c> process, started the way a user starts one, and killed with SIGKILL or stopped with SIGTERM.</summary>
public sealed class SiloProcess : ProgramProcess
{
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(string name, string clusterId, int siloPort, int gatewayPort, IEnumerable<string> args)
        : base(SiloDll, args)
    {
        Name = name;
        ClusterId = clusterId;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }

    public string ClusterId { get; }

    /// <summary>Where the output goes once the silo is disposed.</summary>
    public string LogFile => Path.Combine(Report.Logs, ClusterId, $"{Name}-{Pid}.log");

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IPEndPoint Gateway => new(IPAddress.Loopback, GatewayPort);

    /// <summary>The <c>SILO READY</c> line, once printed.</summary>
    public string? ReadyLine => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    public static string SiloDll => ProjectOutput("Silo", "OrleansDist.Silo.dll");

    public static string ClientDll => ProjectOutput("Client", "OrleansDist.Client.dll");

    public static string LineServerDll => ProjectOutput("LineServer", "OrleansDist.LineServer.dll");

    private static string ProjectOutput(string project, string dllName)
    {
        // tests/Cluster.Tests/bin/<Configuration>/net10.0 -> src/<project>/bin/<Configuration>/net10.0
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var root = Path.GetFullPath(Path.Combine(testBin, "..", "..", "..", "..", ".."));
        var dll = Path.Combine(root, "src", project, "bin", configuration, framework, dllName);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/{project} first", dll);
    }

    /// <summary>Runs a program to completion (or kills it at the timeout) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr, bool TimedOut)> RunAsync(string dll, TimeSpan timeout, params string[] args)
    {
        await using var program = Start(dll, args);
        var timedOut = false;
        int exitCode;
        try
        {
            exitCode = await program.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            await program.WaitUntilGoneAsync();
            exitCode = program.ExitCode;
        }

        return (exitCode, program.StdOut, program.StdErr, timedOut);
    }

    /// <summary>
    /// Starts a silo and waits for its <c>SILO READY</c> line. Its ServiceId is the cluster id, so grain state never leaks
    /// between tests sharing a database. Ports 0 = free ones.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string name, string membership, string clusterId, bool fastMembership, IEnumerable<string>? extraArgs = null, int siloPort = 0, int gatewayPort = 0,
        TimeSpan? readyTimeout = null)
    {
        // Ports this process chose can still be taken by another test process between the probe and the silo's bind; the
        // silo then exits saying "is in use", and is started again on other ports. Ports the test chose are not retried.
        var choosePorts = siloPort == 0 && gatewayPort == 0;
        for (var attempt = 1; ; attempt++)
        {
            var silo = Launch(name, membership, clusterId, fastMembership, extraArgs, siloPort, gatewayPort);
            try
            {
                await silo.WaitUntilReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
                return silo;
            }
            catch (InvalidOperationException) when (choosePorts && attempt < 3 && silo.Output.Contains(" is in use (", StringComparison.Ordinal))
            {
                await silo.DisposeAsync();
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts a silo without waiting for it.</summary>
    public static SiloProcess Launch(
        string name, string membership, string clusterId, bool fastMembership, IEnumerable<string>? extraArgs = null, int siloPort = 0, int gatewayPort = 0)
    {
        siloPort = siloPort == 0 ? FreePort() : siloPort;
        gatewayPort = gatewayPort == 0 ? FreePort() : gatewayPort;
        List<string> args =
        [
            "--name", name, "--cluster-id", clusterId, "--service-id", clusterId, "--membership", membership,
            "--silo-port", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        if (fastMembership)
        {
            args.Add("--fast-membership");
        }

        args.AddRange(extraArgs ?? []);
        return new SiloProcess(name, clusterId, siloPort, gatewayPort, args);
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        try
        {
            await WaitForLineAsync(l => l.StartsWith("SILO READY", StringComparison.Ordinal), timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"silo {Name} did not print SILO READY within {timeout.TotalSeconds:0} s:\n{Output}");
        }
        catch (InvalidOperationException)
        {
            throw new InvalidOperationException($"silo {Name} exited with code {ExitCode} before it was ready:\n{Output}");
        }
    }

    protected override void OnLine(string line)
    {
        if (line.StartsWith("SILO READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    /// <summary>
    /// A port free now, and never handed out before in this test process: two draws may give the same free port (a silo
    /// was once given one port for both its silo and its gateway endpoint, and refused to start).
    /// </summary>
    public static int FreePort() => LocalPorts.FreeNeverHandedOut();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
            await File.WriteAllTextAsync(LogFile, Output);
        }
        catch (IOException)
        {
            // logs are a help, not a result
        }
    }

    public override string ToString() => $"{Name} (pid {Pid}, silo port {SiloPort}, gateway {GatewayPort})";
}
