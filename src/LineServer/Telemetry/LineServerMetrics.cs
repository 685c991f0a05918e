using System.Diagnostics.Metrics;

namespace OrleansDist.LineServer.Telemetry;

/// <summary>
/// The line server's meter (<c>OrleansDist.LineServer</c>): what it served, for the metrics view of the Aspire dashboard.
/// Instruments cost nothing while no meter provider listens.
/// </summary>
internal static class LineServerMetrics
{
    public const string MeterName = "OrleansDist.LineServer";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Connections = Meter.CreateCounter<long>(
        "orleansdist.line_server.connections", "{connection}", "Connections accepted (refused ones included)");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "orleansdist.line_server.connections.refused", "{connection}", "Connections refused: too many open from the client's IP");

    private static readonly Counter<long> SendLineRequests = Meter.CreateCounter<long>(
        "orleansdist.line_server.sendline.requests", "{request}", "SENDLINE requests answered");

    private static readonly Counter<long> LinesSent = Meter.CreateCounter<long>(
        "orleansdist.line_server.lines.sent", "{line}", "Lines sent in reply to SENDLINE");

    private static readonly Counter<long> OverRate = Meter.CreateCounter<long>(
        "orleansdist.line_server.sendline.over_rate", "{reply}", "SENDLINE requests answered -1 (over the session's rate)");

    private static readonly Counter<long> Submissions = Meter.CreateCounter<long>(
        "orleansdist.line_server.submissions", "{submission}", "SUBMITs scored, by outcome");

    public static void Connected() => Connections.Add(1);

    public static void ConnectionRefused() => Refused.Add(1);

    public static void SendLine(bool granted)
    {
        SendLineRequests.Add(1);
        if (granted)
        {
            LinesSent.Add(1);
        }
        else
        {
            OverRate.Add(1);
        }
    }

    public static void Submitted(bool success) =>
        Submissions.Add(1, new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));
}
