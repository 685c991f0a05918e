using Xunit.Abstractions;

namespace OrleansDist.Cluster.Tests;

/// <summary>
/// Measurements a person reads: to the test's output, to the console (shown by <c>dotnet test</c> for passing tests too),
/// and appended to <see cref="File"/>.
/// </summary>
public static class Report
{
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), "orleansdist-cluster-tests");

    public static string File => Path.Combine(Folder, "measurements.txt");

    /// <summary>Every silo's output, written when the test lets it go: <c>logs/&lt;cluster id&gt;/&lt;silo name&gt;-&lt;pid&gt;.log</c>.</summary>
    public static string Logs => Path.Combine(Folder, "logs");

    public static void Measured(ITestOutputHelper output, string line)
    {
        var stamped = $"{DateTime.Now:HH:mm:ss} {line}";
        output.WriteLine(line);
        Console.WriteLine(line);
        lock (Folder)
        {
            Directory.CreateDirectory(Folder);
            System.IO.File.AppendAllText(File, stamped + Environment.NewLine);
        }
    }
}

internal static class ReportFolder
{
    /// <summary>Each test run starts with an empty measurements file and no old silo logs.</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Reset()
    {
        try
        {
            System.IO.File.Delete(Report.File);
            if (Directory.Exists(Report.Logs))
            {
                Directory.Delete(Report.Logs, recursive: true);
            }
        }
        catch (IOException)
        {
            // another run's files; they only add to what is read
        }
    }
}
