namespace OrleansDist.Lab.Tests;

/// <summary>
/// The test assembly is also a program: <c>dotnet OrleansDist.Lab.Tests.dll workload ...</c> runs the register workload
/// inside a lab host (a process must run inside the client host's network namespace to reach the lab's silos).
/// The test runner never calls this.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "workload")
        {
            return await RegisterWorkload.RunAsync(args[1..]);
        }

        await Console.Error.WriteLineAsync("usage: OrleansDist.Lab.Tests workload --membership SPEC [--registers N] [--call-timeout S] [--tls-cert P --tls-key P --tls-ca P]");
        return 2;
    }
}
