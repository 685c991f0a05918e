namespace OrleansDist.Bench;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
            if (options.Role == Role.Bench && options.JsonPath is { } json)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(json));
                if (directory is null || !Directory.Exists(directory))
                {
                    throw new UsageException($"--json: directory of '{json}' does not exist");
                }
            }
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine("Run with --help for usage.");
            return 2;
        }

        if (options.Help)
        {
            Console.Out.WriteLine(BenchOptions.Usage);
            return 0;
        }

        try
        {
            return options.Role switch
            {
                Role.Silo => await ChildRoles.RunSiloAsync(options),
                Role.EchoServer => await ChildRoles.RunEchoServerAsync(options),
                _ => await BenchRunner.RunAsync(options),
            };
        }
        catch (Exception) when (ChildProcesses.Interrupted)
        {
            return ChildProcesses.InterruptExitCode;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error ({options.Role}): {ex}");
            return 1;
        }
    }
}
