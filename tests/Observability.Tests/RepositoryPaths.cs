namespace OrleansDist.Observability.Tests;

/// <summary>Locations the tests need: the repository root (found from the test assembly upwards) and the artifact folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Where tests keep files for people to look at (the browser test's screenshot):
    /// <c>ORLEANSDIST_TEST_ARTIFACTS</c> if set, else <c>artifacts/</c> beside the test assembly
    /// (tests/Observability.Tests/bin/&lt;Configuration&gt;/net10.0/artifacts).
    /// </summary>
    public static string Artifacts
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("ORLEANSDIST_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    /// <summary>A program's dll in its own output folder, built with the same configuration as the tests.</summary>
    public static string ProgramDll(string project, string dll)
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var path = Path.Combine(Root, "src", project, "bin", configuration, framework, dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build src/{project} first", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansDist.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"OrleansDist.sln not found above {AppContext.BaseDirectory}.");
    }
}
