using System.Text.RegularExpressions;

namespace OrleansDist.Lab.Tests;

/// <summary>
/// The line download on four separate hosts (network namespaces): every fetcher's connection leaves from its own host's
/// address, so the line server counts one session per host.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class LineDownloadAcrossHostsTests(ITestOutputHelper output)
{
    private const int Silos = 4;
    private const int Lines = 400;

    [Fact]
    public async Task Fetchers_on_four_hosts_reach_the_line_server_from_four_addresses_one_session_each()
    {
        await using var lab = await Lab.UpAsync(output, Silos, "--lines", Lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "200");

        var download = await lab.ClientAsync(
            TimeSpan.FromSeconds(180),
            "download", "--cluster", "--server", Lab.LineServer, "--fetchers", Silos.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lines", Lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-dashboard", "--connect-timeout", "20");
        Assert.True(download.ExitCode == 0, $"the download failed (exit {download.ExitCode}):\n{download.Output}");
        Assert.Contains($"SUBMIT SUCCESS", download.Output, StringComparison.Ordinal);

        // one fetcher per silo host: the fetcher table names four different silos
        var fetcherSilos = FetcherRow().Matches(download.Output).Select(m => m.Groups["silo"].Value).ToList();
        Assert.Equal(Silos, fetcherSilos.Count);
        Assert.Equal(Silos, fetcherSilos.Distinct().Count());

        // the server's per-session summary (printed when it stops): one session per silo host address, nothing else
        var stopped = await lab.RunCheckedAsync(TimeSpan.FromSeconds(60), "stop", "lines");
        var sessions = SessionLine().Matches(stopped).Select(m => (Ip: m.Groups["ip"].Value, Lines: int.Parse(m.Groups["sent"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var expected = Enumerable.Range(1, Silos).Select(Lab.SiloAddress).Order().ToList();
        Assert.Equal(expected, sessions.Select(s => s.Ip).Order().ToList());
        Assert.All(sessions, s => Assert.True(s.Lines > 0, $"session {s.Ip} received no line"));
        Assert.Matches($"correct={Lines} incorrect=0", stopped);
        output.WriteLine($"sessions: {string.Join(", ", sessions.Select(s => $"{s.Ip} ({s.Lines} lines sent)"))}");
    }

    [GeneratedRegex(@"^\s+\d+ \| (?<silo>silo\d+)\s+\|", RegexOptions.Multiline)]
    private static partial Regex FetcherRow();

    [GeneratedRegex(@"^SESSION ip=(?<ip>\S+) start_ms=\d+ lines_sent=(?<sent>\d+)", RegexOptions.Multiline)]
    private static partial Regex SessionLine();
}
