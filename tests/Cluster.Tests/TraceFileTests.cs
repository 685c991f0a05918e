namespace OrleansDist.Cluster.Tests;

/// <summary>Traces as a user reads them: silos and client write spans to one file, <c>orleansdist trace</c> prints the trees.</summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class TraceFileTests
{
    [Fact]
    public async Task ClientAndSiloSpansOfOneCallFormOneTree()
    {
        var traces = Path.Combine(Path.GetTempPath(), $"orleansdist-traces-{Guid.NewGuid():N}.jsonl");
        await using var db = await TestDatabase.CreateAsync(Databases.Sqlite, "traces");
        var spec = db.Spec;
        var clusterId = "traces-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await using (var silo = await SiloProcess.StartAsync("traced", spec, clusterId, fastMembership: true, ["--trace-file", traces]))
            {
                var hello = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "hello", "--name", "tracer", "--membership", spec, "--cluster-id", clusterId, "--trace-file", traces);
                Assert.True(hello.ExitCode == 0, hello.StdErr);
                await silo.TerminateAsync(TimeSpan.FromSeconds(20)); // flushes the silo's spans
            }

            Assert.True(File.Exists(traces), $"neither the client nor the silo wrote a span to {traces}");
            var printed = await SiloProcess.RunAsync(SiloProcess.ClientDll, TimeSpan.FromSeconds(30), "trace", traces);
            Assert.True(printed.ExitCode == 0, printed.StdErr);
            var lines = printed.StdOut.Split('\n');
            var client = Array.FindIndex(lines, l => l.StartsWith("  IHelloGrain/SayHello [Client] orleansdist-client", StringComparison.Ordinal));
            Assert.True(client >= 0, printed.StdOut);
            Assert.StartsWith("    IHelloGrain/SayHello [Server] orleansdist-silo-traced", lines[client + 1]);
        }
        finally
        {
            File.Delete(traces);
        }
    }
}
