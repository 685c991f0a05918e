using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// Measurements a person reads: to the test's output, to the console (shown by <c>dotnet test</c> for passing tests too),
/// and appended to <see cref="File"/> in this run's own folder (several runs may share the machine).
/// </summary>
public static class Report
{
    private static readonly Lock Gate = new();

    public static readonly string Root = Path.Combine(Path.GetTempPath(), "orleansdist-cluster-tests");

    /// <summary>This test run's folder: <c>/tmp/orleansdist-cluster-tests/&lt;yyyyMMdd-HHmmss&gt;-&lt;pid&gt;</c>.</summary>
    public static readonly string Folder = Path.Combine(Root, $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}");

    public static string File => Path.Combine(Folder, "measurements.txt");

    /// <summary>Every silo's output, written when the test lets it go: <c>logs/&lt;cluster id&gt;/&lt;silo name&gt;-&lt;pid&gt;.log</c>.</summary>
    public static string Logs => Path.Combine(Folder, "logs");

    public static void Measured(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
        lock (Gate)
        {
            Directory.CreateDirectory(Folder);
            System.IO.File.AppendAllText(File, $"{DateTime.Now:HH:mm:ss} {line}{Environment.NewLine}");
        }
    }
}

internal static class ReportFolder
{
    /// <summary>Folders of runs older than a day go; the ones of runs that may still be going stay.</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RemoveOldRuns()
    {
        try
        {
            if (!Directory.Exists(Report.Root))
            {
                return;
            }

            foreach (var run in Directory.EnumerateDirectories(Report.Root))
            {
                if (Directory.GetLastWriteTimeUtc(run) < DateTime.UtcNow.AddDays(-1))
                {
                    Directory.Delete(run, recursive: true);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // another run's files; they only take space
        }
    }
}
