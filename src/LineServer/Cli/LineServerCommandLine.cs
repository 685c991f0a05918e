using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansDist.LineServer.Cli;

/// <summary>The executable's options, each mapped onto <see cref="LineServerOptions"/>.</summary>
internal sealed class LineServerCommandLine
{
    private static readonly (string Name, ReplyFaults Kind)[] FaultNames =
    [
        ("not-a-number", ReplyFaults.NotANumber),
        ("missing-newline", ReplyFaults.MissingNewline),
        ("overlong", ReplyFaults.Overlong),
    ];

    public LineServerCommandLine()
    {
        var defaults = new LineServerOptions();
        Port = new Option<int>("--port")
        {
            Description = "TCP port; 0 = any free port (printed in the READY line)",
            HelpName = "port",
            DefaultValueFactory = _ => defaults.Port,
        };
        Bind = new Option<string>("--bind")
        {
            Description = "Local IP address to listen on (:: = IPv6 and IPv4)",
            HelpName = "ip",
            DefaultValueFactory = _ => defaults.BindAddress,
        };
        Lines = new Option<int>("--lines")
        {
            Description = "Serve a generated file of this many distinct lines of words (ignored with --file)",
            HelpName = "n",
            DefaultValueFactory = _ => defaults.Lines,
        };
        File = new Option<string>("--file")
        {
            Description = "Serve this text file's lines instead (line i is number i; must not be empty)",
            HelpName = "path",
        };
        Rate = new Option<double>("--rate")
        {
            Description = "Lines per second per session (client IP); SENDLINE over it gets -1",
            HelpName = "lines/s",
            DefaultValueFactory = _ => defaults.Rate,
        };
        Burst = new Option<double?>("--burst")
        {
            Description = "Lines a session may take at once after being idle (token bucket size) [default: the rate]",
            HelpName = "lines",
        };
        MaxConnectionsPerIp = new Option<int>("--max-connections-per-ip")
        {
            Description = "Open connections allowed per client IP; one more gets 'ERROR: TOO MANY CONNECTIONS FROM <ip>' and is closed",
            HelpName = "n",
            DefaultValueFactory = _ => defaults.MaxConnectionsPerIp,
        };
        Seed = new Option<int?>("--seed")
        {
            Description = "Seed for the generated text and each session's random line choice (reproducible runs) [default: random]",
            HelpName = "n",
        };
        ReplyWrites = new Option<string>("--reply-writes")
        {
            Description = "How replies hit the socket: normal (one write each), split (every byte its own write), "
                + "coalesce (replies held a few ms and written together)",
            HelpName = "normal|split|coalesce",
            DefaultValueFactory = _ => "normal",
        };
        ReplyWrites.Validators.Add(result => TryParseReplyWrites(result.GetValueOrDefault<string>(), out _, out _, result));
        FaultRate = new Option<double>("--fault-rate")
        {
            Description = "Probability (0..1) that a SENDLINE reply is malformed, to test clients",
            HelpName = "p",
            DefaultValueFactory = _ => defaults.FaultRate,
        };
        Faults = new Option<string>("--faults")
        {
            Description = "Malformations --fault-rate picks from, comma-separated",
            HelpName = "kinds",
            DefaultValueFactory = _ => string.Join(",", FaultNames.Select(f => f.Name)),
        };
        Faults.Validators.Add(result => TryParseFaults(result.GetValueOrDefault<string>(), out _, result));
        SubmitTimeout = new Option<double>("--submit-timeout")
        {
            Description = "Seconds a SUBMIT may wait for its next line before it fails with READING ERROR",
            HelpName = "seconds",
            DefaultValueFactory = _ => defaults.SubmitReadTimeout.TotalSeconds,
        };
        LogLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Minimum log level: Trace, Debug (connects, disconnects), Information (scores), Warning, Error, Critical or None; logs go to stderr",
            HelpName = "level",
            DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information,
            CustomParser = ParseLogLevel,
        };

        Root = new RootCommand(
            "Emulates the course line server: hands out random lines of a file over TCP (SENDLINE), rate-limited per client IP, "
            + "and scores submissions of the whole file (SUBMIT). Prints 'LINE SERVER READY endpoint=<ip:port> lines=<n> rate=<r>/s' "
            + "on stdout once listening; SIGTERM or Ctrl+C stops it after a per-session summary.")
        {
            Port, Bind, Lines, File, Rate, Burst, MaxConnectionsPerIp, Seed, ReplyWrites, FaultRate, Faults, SubmitTimeout, LogLevel,
        };
    }

    public RootCommand Root { get; }

    public Option<int> Port { get; }

    public Option<string> Bind { get; }

    public Option<int> Lines { get; }

    public Option<string> File { get; }

    public Option<double> Rate { get; }

    public Option<double?> Burst { get; }

    public Option<int> MaxConnectionsPerIp { get; }

    public Option<int?> Seed { get; }

    public Option<string> ReplyWrites { get; }

    public Option<double> FaultRate { get; }

    public Option<string> Faults { get; }

    public Option<double> SubmitTimeout { get; }

    public Option<LogLevel> LogLevel { get; }

    /// <summary>The server options named on the command line (not yet validated: <see cref="LineServerOptions.Validate"/> does that).</summary>
    public LineServerOptions ToOptions(ParseResult parse)
    {
        var submitTimeout = parse.GetValue(SubmitTimeout);
        return new LineServerOptions
        {
            Port = parse.GetValue(Port),
            BindAddress = parse.GetValue(Bind) ?? "",
            Lines = parse.GetValue(Lines),
            FilePath = parse.GetValue(File),
            Rate = parse.GetValue(Rate),
            Burst = parse.GetValue(Burst),
            MaxConnectionsPerIp = parse.GetValue(MaxConnectionsPerIp),
            Seed = parse.GetValue(Seed),
            ReplyWrites = TryParseReplyWrites(parse.GetValue(ReplyWrites), out var mode, out _, null) ? mode : ReplyWriteMode.Normal,
            FaultRate = parse.GetValue(FaultRate),
            Faults = TryParseFaults(parse.GetValue(Faults), out var faults, null) ? faults : ReplyFaults.All,
            SubmitReadTimeout = double.IsFinite(submitTimeout) && submitTimeout is > 0 and < 86_400
                ? TimeSpan.FromSeconds(submitTimeout)
                : TimeSpan.Zero, // rejected by Validate with the rest
        };
    }

    private static bool TryParseReplyWrites(string? text, out ReplyWriteMode mode, out string? error, OptionResult? result)
    {
        mode = ReplyWriteMode.Normal;
        error = null;
        if (text is not null && !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode))
        {
            return true;
        }

        error = $"--reply-writes must be normal, split or coalesce, not '{text}'.";
        result?.AddError(error);
        return false;
    }

    private static bool TryParseFaults(string? text, out ReplyFaults faults, OptionResult? result)
    {
        faults = ReplyFaults.None;
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = FaultNames.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                result?.AddError($"--faults: unknown fault '{name}'; known: {string.Join(", ", FaultNames.Select(f => f.Name))}.");
                return false;
            }

            faults |= match.Kind;
        }

        if (faults == ReplyFaults.None)
        {
            result?.AddError("--faults needs at least one of: " + string.Join(", ", FaultNames.Select(f => f.Name)) + ".");
            return false;
        }

        return true;
    }

    private static LogLevel ParseLogLevel(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return level;
        }

        result.AddError($"--log-level must be Trace, Debug, Information, Warning, Error, Critical or None, not '{text}'.");
        return Microsoft.Extensions.Logging.LogLevel.Information;
    }
}
