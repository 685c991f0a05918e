using System.Text.Json;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Api;

/// <summary>
/// Writes the JSON API's documents. Written by hand with <see cref="Utf8JsonWriter"/> because attribute values are
/// heterogeneous (string, number, bool, array, map) and must appear as plain JSON values, not as tagged objects.
/// </summary>
internal static class TraceJsonWriter
{
    /// <summary>One element of <c>GET /api/traces</c>.</summary>
    public static void WriteSummary(Utf8JsonWriter writer, TraceSummary summary)
    {
        writer.WriteStartObject();
        WriteSummaryProperties(writer, summary);
        writer.WriteEndObject();
    }

    /// <summary>The document of <c>GET /api/traces/{id}</c>: the summary's properties plus <c>spans</c>, ordered by start.</summary>
    public static void WriteTrace(Utf8JsonWriter writer, TraceSnapshot trace)
    {
        var traceStart = trace.Spans.Count > 0 ? trace.Spans.Min(s => s.StartUnixNano) : 0;
        writer.WriteStartObject();
        WriteSummaryProperties(writer, trace.Summary);
        writer.WriteStartArray("spans");
        foreach (var span in trace.Spans.OrderBy(s => s.StartUnixNano))
        {
            WriteSpan(writer, span, traceStart);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSummaryProperties(Utf8JsonWriter writer, TraceSummary summary)
    {
        writer.WriteString("id", summary.TraceId);
        writer.WriteString("rootName", summary.RootName);
        writer.WriteString("start", summary.Start);
        writer.WriteNumber("durationMs", summary.Duration.TotalMilliseconds);
        writer.WriteNumber("spanCount", summary.SpanCount);
        writer.WriteStartArray("services");
        foreach (var service in summary.Services)
        {
            writer.WriteStringValue(service);
        }

        writer.WriteEndArray();
        writer.WriteNumber("errorCount", summary.ErrorCount);
        writer.WriteNumber("droppedSpanCount", summary.DroppedSpanCount);
        writer.WriteString("lastReceived", summary.LastReceived.UtcDateTime);
    }

    private static void WriteSpan(Utf8JsonWriter writer, StoredSpan span, ulong traceStart)
    {
        writer.WriteStartObject();
        writer.WriteString("spanId", span.SpanId);
        if (span.ParentSpanId is null)
        {
            writer.WriteNull("parentSpanId");
        }
        else
        {
            writer.WriteString("parentSpanId", span.ParentSpanId);
        }

        writer.WriteString("name", span.Name);
        writer.WriteString("service", span.ServiceName);
        writer.WriteString("scope", span.ScopeName);
        writer.WriteString("kind", KindName(span.Kind));
        writer.WriteString("start", span.StartUtc);
        // Offsets are computed here from the exact nanoseconds: JavaScript numbers cannot hold Unix nanoseconds.
        writer.WriteNumber("startOffsetMs", NanosToMs(span.StartUnixNano - traceStart));
        writer.WriteNumber("durationMs", span.EndUnixNano > span.StartUnixNano ? NanosToMs(span.EndUnixNano - span.StartUnixNano) : 0);
        writer.WriteStartObject("status");
        writer.WriteString("code", span.StatusCode switch
        {
            SpanStatusCode.Ok => "ok",
            SpanStatusCode.Error => "error",
            _ => "unset",
        });
        writer.WriteString("message", span.StatusMessage);
        writer.WriteEndObject();
        writer.WritePropertyName("attributes");
        WriteAttributes(writer, span.Attributes);
        writer.WriteStartArray("events");
        foreach (var spanEvent in span.Events)
        {
            writer.WriteStartObject();
            writer.WriteString("name", spanEvent.Name);
            writer.WriteString("time", StoredSpan.UnixNanoToUtc(spanEvent.TimeUnixNano));
            writer.WriteNumber("offsetMs", spanEvent.TimeUnixNano >= traceStart ? NanosToMs(spanEvent.TimeUnixNano - traceStart) : 0);
            writer.WritePropertyName("attributes");
            WriteAttributes(writer, spanEvent.Attributes);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("resource");
        WriteAttributes(writer, span.ResourceAttributes);
        writer.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter writer, IReadOnlyList<SpanAttribute> attributes)
    {
        // OTLP requires unique keys but a sender may repeat one; the last value wins, as in a map, and keeps JSON valid.
        Dictionary<string, int>? last = null;
        if (attributes.Count > 1)
        {
            last = new Dictionary<string, int>(attributes.Count, StringComparer.Ordinal);
            for (var i = 0; i < attributes.Count; i++)
            {
                last[attributes[i].Key] = i;
            }
        }

        writer.WriteStartObject();
        for (var i = 0; i < attributes.Count; i++)
        {
            if (last is not null && last[attributes[i].Key] != i)
            {
                continue;
            }

            writer.WritePropertyName(attributes[i].Key);
            WriteValue(writer, attributes[i].Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case double number:
                // JSON has no NaN or infinities; the protobuf JSON mapping spells them as strings.
                writer.WriteStringValue(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case IReadOnlyList<SpanAttribute> map:
                WriteAttributes(writer, map);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static string KindName(SpanKind kind) => kind switch
    {
        SpanKind.Internal => "internal",
        SpanKind.Server => "server",
        SpanKind.Client => "client",
        SpanKind.Producer => "producer",
        SpanKind.Consumer => "consumer",
        _ => "unspecified",
    };

    private static double NanosToMs(ulong nanos) => nanos / 1_000_000.0;
}
