using System.Globalization;
using System.Text.Json;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>How group commands show log entries and orders, and parse <c>--order</c>.</summary>
internal static class GroupText
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Name(DeliveryOrder order) => order.ToString().ToLowerInvariant();

    public static DeliveryOrder? ParseOrder(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "none" => DeliveryOrder.None,
        "fifo" => DeliveryOrder.Fifo,
        "total" => DeliveryOrder.Total,
        _ => null,
    };

    public static string Sequence(GroupMessage message) => message.Order switch
    {
        DeliveryOrder.Fifo => $"fifo #{message.FifoSeq}",
        DeliveryOrder.Total => $"total #{message.TotalSeq}",
        _ => "none",
    };

    public static double LatencyMs(LogEntry entry) => TimeSpan.FromTicks(entry.DeliveredAtTicks - entry.Message.SentAtTicks).TotalMilliseconds;

    public static string Line(LogEntry entry) => string.Create(CultureInfo.InvariantCulture,
        $"#{entry.Index,-5} {new DateTime(entry.DeliveredAtTicks, DateTimeKind.Utc):HH:mm:ss.fff}  from {entry.Message.Sender} to {entry.Message.Destination}  {Sequence(entry.Message),-10} {LatencyMs(entry),8:0.0} ms  {JsonSerializer.Serialize(entry.Message.Text)}");

    public static object Json(LogEntry entry) => new
    {
        index = entry.Index,
        message_id = entry.Message.MessageId,
        sender = entry.Message.Sender,
        destination = entry.Message.Destination,
        order = Name(entry.Message.Order),
        send_seq = entry.Message.SendSeq,
        fifo_seq = entry.Message.FifoSeq,
        total_seq = entry.Message.TotalSeq,
        text = entry.Message.Text,
        sent_at = new DateTime(entry.Message.SentAtTicks, DateTimeKind.Utc),
        delivered_at = new DateTime(entry.DeliveredAtTicks, DateTimeKind.Utc),
        latency_ms = Math.Round(LatencyMs(entry), 3),
    };
}
