namespace OrleansDist.Observability.Tests;

/// <summary>Runs one of tests/browser/*.mjs with Node.js (Playwright driving Debian's Chromium; tests/scripts/browser-setup.sh installs both).</summary>
internal static class Browser
{
    public static async Task<ProcessRunner.Result> RunAsync(string script, IEnumerable<string> arguments)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "browser");
        var node = ProcessRunner.FindOnPath("node") ?? throw new InvalidOperationException("node is not on PATH (tests/scripts/browser-setup.sh)");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException("playwright-core is not installed: run tests/scripts/browser-setup.sh");
        }

        return await ProcessRunner.RunAsync(node, [Path.Combine(directory, script), .. arguments], TimeSpan.FromSeconds(120), directory);
    }
}
