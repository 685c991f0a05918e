using System.CommandLine;

namespace OrleansDist.Dashboard;

/// <summary>The standalone dashboard's command line; every option maps onto <see cref="TraceDashboardOptions"/>.</summary>
internal sealed class DashboardCommandLine
{
    public DashboardCommandLine()
    {
        var defaults = new TraceDashboardOptions();
        Port = new Option<int>("--port")
        {
            Description = "HTTP port for the page, the JSON API and the OTLP/HTTP receiver (0 = any free port)",
            HelpName = "port",
            DefaultValueFactory = _ => defaults.Port,
        };
        Bind = new Option<string>("--bind")
        {
            Description = "IP address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 or :: (all interfaces), or a specific address",
            HelpName = "ip",
            DefaultValueFactory = _ => defaults.BindAddress,
        };
        MaxTraces = new Option<int>("--max-traces")
        {
            Description = "Traces kept in memory; beyond it the least recently updated are forgotten",
            HelpName = "count",
            DefaultValueFactory = _ => defaults.MaxTraces,
        };
        MaxSpansPerTrace = new Option<int>("--max-spans-per-trace")
        {
            Description = "Spans kept per trace; later spans of a full trace are refused",
            HelpName = "count",
            DefaultValueFactory = _ => defaults.MaxSpansPerTrace,
        };
        MaxTotalSpans = new Option<int>("--max-total-spans")
        {
            Description = "Spans kept in memory over all traces",
            HelpName = "count",
            DefaultValueFactory = _ => defaults.MaxTotalSpans,
        };
        MaxRequestBytes = new Option<long>("--max-request-bytes")
        {
            Description = "Largest OTLP request body accepted, as sent and decompressed (larger: 413)",
            HelpName = "bytes",
            DefaultValueFactory = _ => defaults.MaxRequestBytes,
        };
        LogLevel = new Option<Microsoft.Extensions.Logging.LogLevel>("--log-level")
        {
            Description = "Minimum level of the dashboard's own log messages (to stderr)",
            HelpName = "level",
            DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information,
        };

        Root = new RootCommand(
            "OrleansDist trace dashboard: receives OpenTelemetry traces over OTLP/HTTP (POST /v1/traces, protobuf or JSON) and shows "
            + "them as a list and a waterfall in the browser. Point exporters at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://<host>:<port> "
            + "and OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.")
        {
            Port, Bind, MaxTraces, MaxSpansPerTrace, MaxTotalSpans, MaxRequestBytes, LogLevel,
        };
    }

    public RootCommand Root { get; }

    public Option<int> Port { get; }

    public Option<string> Bind { get; }

    public Option<int> MaxTraces { get; }

    public Option<int> MaxSpansPerTrace { get; }

    public Option<int> MaxTotalSpans { get; }

    public Option<long> MaxRequestBytes { get; }

    public Option<Microsoft.Extensions.Logging.LogLevel> LogLevel { get; }

    public TraceDashboardOptions ToOptions(ParseResult parse) => new()
    {
        Port = parse.GetValue(Port),
        BindAddress = parse.GetValue(Bind) ?? "",
        MaxTraces = parse.GetValue(MaxTraces),
        MaxSpansPerTrace = parse.GetValue(MaxSpansPerTrace),
        MaxTotalSpans = parse.GetValue(MaxTotalSpans),
        MaxRequestBytes = parse.GetValue(MaxRequestBytes),
    };
}
