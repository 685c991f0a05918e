namespace OrleansDist.Client.Servers;

/// <summary>Finds the Python baselines (bench/servers) from a given folder, the program's folder or the current one, upwards.</summary>
internal static class PythonScript
{
    public static string? Find(string? directory, string name)
    {
        if (directory is not null)
        {
            var given = Path.GetFullPath(Path.Combine(directory, name));
            return File.Exists(given) ? given : null;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "bench", "servers", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="python"/> runs.</summary>
    public static bool IsPresent(string python)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(python, "--version")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
