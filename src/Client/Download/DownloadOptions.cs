using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Client.Download;

/// <summary>Options shared by <c>download</c> and <c>experiment download</c>.</summary>
internal sealed class DownloadOptions
{
    public Option<string> Server { get; } = new("--server")
    {
        Description = "Line server host:port (the course server listens on 9801); default: start an embedded emulator",
        HelpName = "host:port",
    };

    public Option<bool> Cluster { get; } = new("--cluster")
    {
        Description = "Use the running cluster given by --gateway/--membership instead of an embedded 2-silo cluster",
    };

    public Option<int> Lines { get; } = new("--lines")
    {
        Description = "Lines in the file (the embedded server serves this many; the count SUBMIT needs)",
        DefaultValueFactory = _ => 1000,
        HelpName = "n",
    };

    public Option<double> Rate { get; } = new("--rate")
    {
        Description = "Lines/s per session of the embedded line server (ignored with --server)",
        DefaultValueFactory = _ => 100,
        HelpName = "lines/s",
    };

    public Option<string> Entry { get; } = new("--entry")
    {
        Description = "Entry named in SUBMIT, entryID@team",
        DefaultValueFactory = _ => "orleansdist@local",
        HelpName = "id@team",
    };

    public Option<string[]> SourceAddresses { get; } = new("--source-address")
    {
        Description = "Source address for the fetchers' connections, one per fetcher (repeat); default: 127.0.0.10, .11, … "
            + "when the server is on loopback, else each machine's own",
        HelpName = "ip",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<int> PipelineDepth { get; } = new("--pipeline-depth")
    {
        Description = "SENDLINE requests each fetcher keeps in flight",
        DefaultValueFactory = _ => 4,
        HelpName = "n",
    };

    public Option<bool> NoSessionReset { get; } = new("--no-session-reset")
    {
        Description = "Do not send SESSION RESET when a fetcher first connects (keep the server's running session)",
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds one download may take before it is cancelled",
        DefaultValueFactory = _ => 1800,
        HelpName = "seconds",
    };

    public Option<double> ServerTimeout { get; } = new("--server-timeout")
    {
        Description = "Seconds without any fetcher reaching the line server before the download fails",
        DefaultValueFactory = _ => 60,
        HelpName = "seconds",
    };

    public Option<string> Json { get; } = new("--json")
    {
        Description = "Also write the results as JSON to this file",
        HelpName = "file",
    };

    public Option<int> DashboardPort { get; } = new("--dashboard-port")
    {
        Description = "UI port of the Aspire dashboard that starts with an embedded cluster (a free port if taken; OTLP on 4317/4318)",
        DefaultValueFactory = _ => 18888,
        HelpName = "port",
    };

    public Option<bool> NoDashboard { get; } = new("--no-dashboard")
    {
        Description = "Do not start the Aspire dashboard (and export nothing to it) nor the embedded silos' Orleans Dashboard",
    };

    public Option<bool> KeepDashboard { get; } = new("--keep-dashboard")
    {
        Description = "After the work is done, keep the Aspire dashboard (and the embedded silos' Orleans Dashboard) up until Ctrl+C",
    };

    public DownloadOptions()
    {
        Server.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !CommonOptions.TrySplitHostPort(value, out _, out _))
            {
                result.AddError($"--server '{value}' is not host:port (e.g. 10.0.0.5:9801, vayu.local:9801)");
            }
        });
        Lines.Validators.Add(result => Range(result, "--lines", 1, DownloadRequestValidator.MaxExpectedLines));
        Rate.Validators.Add(result =>
        {
            var rate = result.GetValueOrDefault<double>();
            if (!(rate > 0 && rate <= 1_000_000))
            {
                result.AddError("--rate must be between 0 and 1000000 lines/s");
            }
        });
        Entry.Validators.Add(result =>
        {
            var entry = result.GetValueOrDefault<string>() ?? "";
            if (!entry.Contains('@', StringComparison.Ordinal) || entry.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                result.AddError($"--entry '{entry}' must look like entryID@team, without spaces");
            }
        });
        SourceAddresses.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!IPAddress.TryParse(token.Value, out _))
                {
                    result.AddError($"--source-address '{token.Value}' is not an IP address");
                }
            }
        });
        PipelineDepth.Validators.Add(result => Range(result, "--pipeline-depth", 1, 256));
        DashboardPort.Validators.Add(result => Range(result, "--dashboard-port", 0, 65535));
        ServerTimeout.Validators.Add(result => CommonOptions.SecondsBetween(result, "--server-timeout", 1, 86400));
        Timeout.Validators.Add(result => CommonOptions.SecondsBetween(result, "--timeout", 1, 7 * 86400));
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Cluster);
        command.Options.Add(Lines);
        command.Options.Add(Rate);
        command.Options.Add(Entry);
        command.Options.Add(SourceAddresses);
        command.Options.Add(PipelineDepth);
        command.Options.Add(NoSessionReset);
        command.Options.Add(Timeout);
        command.Options.Add(ServerTimeout);
        command.Options.Add(Json);
        command.Options.Add(DashboardPort);
        command.Options.Add(NoDashboard);
        command.Options.Add(KeepDashboard);
    }

    public DownloadSettings Read(ParseResult parse) => new()
    {
        Server = parse.GetValue(Server),
        UseCluster = parse.GetValue(Cluster),
        Lines = parse.GetValue(Lines),
        Rate = parse.GetValue(Rate),
        Entry = parse.GetValue(Entry) ?? "orleansdist@local",
        SourceAddresses = parse.GetValue(SourceAddresses) ?? [],
        PipelineDepth = parse.GetValue(PipelineDepth),
        ResetSession = !parse.GetValue(NoSessionReset),
        Timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
        ServerTimeout = TimeSpan.FromSeconds(parse.GetValue(ServerTimeout)),
        JsonPath = parse.GetValue(Json),
        Dashboard = !parse.GetValue(NoDashboard),
        DashboardPort = parse.GetValue(DashboardPort),
        KeepDashboard = parse.GetValue(KeepDashboard),
    };

    public static void Range(OptionResult result, string name, int min, int max)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{name} must be between {min} and {max} (got {value})");
        }
    }
}
