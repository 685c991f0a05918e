using OrleansDist.Dashboard.Otlp;

namespace OrleansDist.Dashboard.Tests;

/// <summary>Crafts OTLP <c>ExportTraceServiceRequest</c> protobuf bytes field by field (field numbers of opentelemetry-proto trace v1).</summary>
internal static class OtlpRequestBuilder
{
    public static readonly long BaseUnixNano = 1_763_000_000_000_000_000;

    public static byte[] TraceId(int n) => [.. Enumerable.Repeat((byte)0xAB, 12), .. BitConverter.GetBytes(n).Reverse()];

    public static byte[] SpanId(int n) => [.. Enumerable.Repeat((byte)0xCD, 4), .. BitConverter.GetBytes(n).Reverse()];

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A request with one resource (service) and one scope holding the given spans.</summary>
    public static byte[] Request(string service, params Action<ProtobufWriter>[] spans) =>
        new ProtobufWriter().MessageField(1, resourceSpans => ResourceSpans(resourceSpans, service, spans)).ToArray();

    public static void ResourceSpans(ProtobufWriter writer, string service, params Action<ProtobufWriter>[] spans)
    {
        writer.MessageField(1, resource => resource.MessageField(1, kv => KeyValue(kv, "service.name", v => v.StringField(1, service))));
        writer.MessageField(2, scopeSpans =>
        {
            scopeSpans.MessageField(1, scope => scope.StringField(1, "test-scope").StringField(2, "1.0"));
            foreach (var span in spans)
            {
                scopeSpans.MessageField(2, span);
            }
        });
    }

    /// <summary>A span; <paramref name="extra"/> may add fields (attributes, events, unknown fields).</summary>
    public static Action<ProtobufWriter> Span(byte[] traceId, byte[] spanId, byte[]? parentId, string name, long startMs = 0, long durationMs = 10, Action<ProtobufWriter>? extra = null) =>
        span =>
        {
            span.BytesField(1, traceId).BytesField(2, spanId);
            if (parentId is not null)
            {
                span.BytesField(4, parentId);
            }

            span.StringField(5, name)
                .VarintField(6, 2)
                .Fixed64Field(7, (ulong)(BaseUnixNano + (startMs * 1_000_000)))
                .Fixed64Field(8, (ulong)(BaseUnixNano + ((startMs + durationMs) * 1_000_000)));
            extra?.Invoke(span);
        };

    public static void KeyValue(ProtobufWriter writer, string key, Action<ProtobufWriter> anyValue) =>
        writer.StringField(1, key).MessageField(2, anyValue);

    /// <summary>A span attribute (span field 9).</summary>
    public static void Attribute(ProtobufWriter span, string key, Action<ProtobufWriter> anyValue) =>
        span.MessageField(9, kv => KeyValue(kv, key, anyValue));
}
