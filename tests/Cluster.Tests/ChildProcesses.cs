using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// Every process a test starts, so that none outlives the test run: each test kills its own in <c>finally</c>/<c>DisposeAsync</c>,
/// and whatever is left when the test process exits (a test aborted, a runner killed with SIGTERM) is killed here.
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> with redirected output.</summary>
    public static Process StartDotnet(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No interference from the developer's environment (ORLEANSDIST_* settings, OTLP exporters).
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ORLEANSDIST_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux), without waiting.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    /// <summary>Kills the process if it still runs, waits for it, and forgets it.</summary>
    public static async Task KillAndForgetAsync(Process process)
    {
        Kill(process);
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // reported by the stray check below, if anyone runs it
        }

        Running.TryRemove(process.Id, out _);
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Kill(process);
        }
    }
}
