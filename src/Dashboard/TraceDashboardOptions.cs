using System.Net;

namespace OrleansDist.Dashboard;

/// <summary>Where the trace dashboard listens and how much it keeps in memory.</summary>
public sealed class TraceDashboardOptions
{
    /// <summary>The default HTTP port (the same as .NET Aspire's dashboard, so OTLP tooling habits carry over).</summary>
    public const int DefaultPort = 18888;

    /// <summary>TCP port for the page, the API and the OTLP receiver; 0 = an ephemeral port chosen by the OS.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>IP address to listen on: 127.0.0.1 (default, this machine only), 0.0.0.0 / :: (all interfaces) or a specific address; "localhost" means 127.0.0.1.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>How many traces are kept; beyond it the least recently updated trace is evicted.</summary>
    public int MaxTraces { get; set; } = 1000;

    /// <summary>How many spans one trace keeps; later spans of a full trace are rejected (reported as OTLP partial success).</summary>
    public int MaxSpansPerTrace { get; set; } = 20000;

    /// <summary>
    /// How many spans all traces together keep; beyond it the least recently updated traces are evicted. It bounds memory
    /// when many traces are large (MaxTraces × MaxSpansPerTrace alone would allow 20 million spans).
    /// </summary>
    public int MaxTotalSpans { get; set; } = 200_000;

    /// <summary>Largest accepted OTLP request body, both as sent and after gzip/deflate decompression; larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Minimum level of ASP.NET Core's own log messages (Kestrel, hosting, routing); the dashboard's own messages are not affected.</summary>
    public Microsoft.Extensions.Logging.LogLevel FrameworkLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>Every problem with these options, one sentence each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"Port must be between 0 and {IPEndPoint.MaxPort} (0 = ephemeral), not {Port}.");
        }

        if (!TryParseBindAddress(BindAddress, out _))
        {
            errors.Add($"BindAddress must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, or 'localhost', not '{BindAddress}'.");
        }

        if (MaxTraces < 1)
        {
            errors.Add($"MaxTraces must be at least 1, not {MaxTraces}.");
        }

        if (MaxSpansPerTrace < 1)
        {
            errors.Add($"MaxSpansPerTrace must be at least 1, not {MaxSpansPerTrace}.");
        }

        if (MaxTotalSpans < MaxSpansPerTrace)
        {
            errors.Add($"MaxTotalSpans ({MaxTotalSpans}) must be at least MaxSpansPerTrace ({MaxSpansPerTrace}).");
        }

        // Below 1 KiB not even a small export fits; above 1 GiB one request could take the process down.
        if (MaxRequestBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"MaxRequestBytes must be between 1024 and 1073741824, not {MaxRequestBytes}.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the options are unusable.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid trace dashboard options: " + string.Join(" ", errors));
        }
    }

    internal TraceDashboardOptions Clone() => (TraceDashboardOptions)MemberwiseClone();

    internal static bool TryParseBindAddress(string? text, out IPAddress address)
    {
        if (string.Equals(text, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(text, out address!);
    }
}
