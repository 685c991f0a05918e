using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansDist.LineServer;

/// <summary>Settings of one line server. <see cref="Validate"/> names every bad value at once.</summary>
public sealed class LineServerOptions
{
    /// <summary>The course server's port.</summary>
    public const int DefaultPort = 9801;

    /// <summary>Longest request line (without its newline) the server reads; a longer one closes the connection.</summary>
    public const int MaxRequestLineLength = 64 * 1024;

    /// <summary>Upper bound for generated files: keeps a typo from allocating gigabytes.</summary>
    public const int MaxGeneratedLines = 10_000_000;

    /// <summary>TCP port; 0 = an ephemeral port (read <see cref="LineServerHost.EndPoint"/> after start).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Local address to listen on (IPv4 or IPv6 literal).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Number of lines of the generated file; ignored when <see cref="FilePath"/> is set.</summary>
    public int Lines { get; set; } = 1000;

    /// <summary>Serve this file's lines instead of generated text.</summary>
    public string? FilePath { get; set; }

    /// <summary>Lines per second per session (token bucket refill rate).</summary>
    public double Rate { get; set; } = 100;

    /// <summary>Token bucket capacity: lines a session may take at once after being idle. Null = <see cref="Rate"/>.</summary>
    public double? Burst { get; set; }

    /// <summary>Open connections allowed per client IP; one more gets <c>ERROR: TOO MANY CONNECTIONS FROM &lt;ip&gt;</c>.</summary>
    public int MaxConnectionsPerIp { get; set; } = 1;

    /// <summary>Seeds the generated text and each session's random line choice, for reproducible runs. Null = random.</summary>
    public int? Seed { get; set; }

    public ReplyWriteMode ReplyWrites { get; set; } = ReplyWriteMode.Normal;

    /// <summary>How long <see cref="ReplyWriteMode.Coalesce"/> holds replies before writing them together.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Probability (0..1) that a SENDLINE reply carrying a line is malformed, to test clients.</summary>
    public double FaultRate { get; set; }

    /// <summary>Which malformations <see cref="FaultRate"/> may produce; one is picked at random per faulty reply.</summary>
    public ReplyFaults Faults { get; set; } = ReplyFaults.All;

    /// <summary>A SUBMIT whose next line does not arrive within this time fails with READING ERROR.</summary>
    public TimeSpan SubmitReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The effective token bucket capacity.</summary>
    public double EffectiveBurst => Burst ?? Rate;

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every invalid value.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        if (Port is < 0 or > 65535)
        {
            failures.Add($"Port must be 0..65535 (0 = ephemeral), not {Port}.");
        }

        if (string.IsNullOrWhiteSpace(BindAddress) || !IPAddress.TryParse(BindAddress, out _))
        {
            failures.Add($"BindAddress must be an IP address such as 0.0.0.0 or 127.0.0.1, not '{BindAddress}'.");
        }

        if (FilePath is null && Lines is < 1 or > MaxGeneratedLines)
        {
            failures.Add($"Lines must be 1..{MaxGeneratedLines}, not {Lines}.");
        }

        if (FilePath is not null && string.IsNullOrWhiteSpace(FilePath))
        {
            failures.Add("FilePath must not be empty (leave it unset to serve generated lines).");
        }

        if (!double.IsFinite(Rate) || Rate <= 0)
        {
            failures.Add($"Rate must be a positive number of lines per second, not {Rate}.");
        }

        if (Burst is { } burst && (!double.IsFinite(burst) || burst < 1))
        {
            failures.Add($"Burst must be at least 1 line, not {burst}.");
        }
        else if (Burst is null && double.IsFinite(Rate) && Rate is > 0 and < 1)
        {
            failures.Add($"Burst defaults to Rate ({Rate}), which is below 1 line: set Burst to at least 1.");
        }

        if (MaxConnectionsPerIp < 1)
        {
            failures.Add($"MaxConnectionsPerIp must be at least 1, not {MaxConnectionsPerIp}.");
        }

        if (!Enum.IsDefined(ReplyWrites))
        {
            failures.Add($"ReplyWrites must be Normal, Split or Coalesce, not {ReplyWrites}.");
        }

        if (CoalesceWindow <= TimeSpan.Zero || CoalesceWindow > TimeSpan.FromSeconds(1))
        {
            failures.Add($"CoalesceWindow must be more than 0 and at most 1 s, not {CoalesceWindow}.");
        }

        if (!double.IsFinite(FaultRate) || FaultRate is < 0 or > 1)
        {
            failures.Add($"FaultRate must be a probability between 0 and 1, not {FaultRate}.");
        }

        if ((Faults & ~ReplyFaults.All) != 0)
        {
            failures.Add($"Faults has unknown flags: {Faults}.");
        }
        else if (FaultRate > 0 && Faults == ReplyFaults.None)
        {
            failures.Add("FaultRate is above 0 but Faults is None: name at least one fault kind.");
        }

        if (SubmitReadTimeout <= TimeSpan.Zero || SubmitReadTimeout == Timeout.InfiniteTimeSpan)
        {
            failures.Add($"SubmitReadTimeout must be positive, not {SubmitReadTimeout}.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(LineServerOptions), typeof(LineServerOptions), failures);
        }
    }

    /// <summary>A copy, so a running server is not affected by later changes to the caller's instance.</summary>
    public LineServerOptions Clone() => (LineServerOptions)MemberwiseClone();
}
