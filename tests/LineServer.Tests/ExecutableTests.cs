using System.Diagnostics;
using System.Globalization;
using OrleansDist.LineServer.Tests.Infrastructure;

namespace OrleansDist.LineServer.Tests;

/// <summary>The executable as shipped: its command line, its READY line, signals, and a course client that knows nothing of us.</summary>
public sealed class ExecutableTests
{
    [Fact]
    public async Task UnmodifiedCourseStylePythonClientDownloadsAndSubmitsTheWholeFile()
    {
        await using var server = await ServerProcess.StartAsync("--port", "0", "--bind", "127.0.0.1", "--lines", "100", "--rate", "2000", "--seed", "334");
        Assert.Contains("lines=100 rate=2000/s", server.Stdout, StringComparison.Ordinal);

        var client = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        client.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", "course_client.py"));
        client.ArgumentList.Add(server.EndPoint.Address.ToString());
        client.ArgumentList.Add(server.EndPoint.Port.ToString(CultureInfo.InvariantCulture));
        client.ArgumentList.Add("100");
        using var python = Process.Start(client)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await python.WaitForExitAsync(timeout.Token);
        }

        var output = await stdout;
        Assert.True(python.ExitCode == 0, $"python client failed ({python.ExitCode}):\n{output}\n{await stderr}");
        Assert.Matches(@"SUBMIT SUCCESS: student@col334-672 - 127\.0\.0\.1 - 100, 0, 100, \d+, \d+, 100 - \d+, \d+, \d+", output);

        Assert.Equal(0, await server.TerminateAsync());
        Assert.Contains("LINE SERVER STOPPED sessions=1 submissions=1", server.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"SESSION ip=127\.0\.0\.1 .*entry=student@col334-672 correct=100 incorrect=0 score_ms=\d+", server.Stdout);
        Assert.Contains("Score: student@col334-672 from 127.0.0.1: 100 correct, 0 incorrect", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsEveryOption()
    {
        var (exitCode, stdout, _) = await ServerProcess.RunAsync("--help");
        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--port", "--bind", "--lines", "--file", "--rate", "--burst", "--max-connections-per-ip", "--seed", "--reply-writes", "--fault-rate", "--faults", "--submit-timeout", "--log-level" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--rate", "fast")]
    [InlineData("--rate", "0")]
    [InlineData("--reply-writes", "sideways")]
    [InlineData("--faults", "not-a-number,gremlins")]
    [InlineData("--log-level", "Loud")]
    [InlineData("--bind", "localhost")]
    [InlineData("--no-such-option")]
    [InlineData("--file", "/nonexistent/lines.txt")]
    public async Task BadArgumentsExitWithTwoAndAMessage(params string[] args)
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(args);
        Assert.Equal(2, exitCode);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("READY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUseExitsWithOne()
    {
        await using var taken = await TestServer.StartAsync();
        var (exitCode, _, stderr) = await ServerProcess.RunAsync("--port", taken.EndPoint.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1");
        Assert.Equal(1, exitCode);
        Assert.Contains("already in use", stderr, StringComparison.Ordinal);
    }
}
