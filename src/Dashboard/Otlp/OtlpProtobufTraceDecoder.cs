using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto, trace v1) from its protobuf bytes into
/// <see cref="StoredSpan"/>s. Only the fields the viewer shows are read; every other field, known or from a newer
/// schema, is skipped. Errors name where they happened, e.g. <c>resource_spans[0].scope_spans[1].spans[7]: ...</c>.
/// </summary>
/// <remarks>
/// Hand-written because no generated OTLP model is available to the build; the field numbers below are those of
/// opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto. Protobuf lets fields arrive in any order, so
/// a message whose later fields depend on an earlier one (resource before spans) is read in two passes.
/// </remarks>
internal static class OtlpProtobufTraceDecoder
{
    /// <summary>Deepest nesting of attribute values (arrays and key/value lists inside each other).</summary>
    public const int MaxValueDepth = 16;

    public static List<StoredSpan> Decode(ReadOnlySpan<byte> body)
    {
        var spans = new List<StoredSpan>();
        var reader = new ProtobufReader(body);
        var index = 0;
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                var message = reader.ReadLengthDelimited();
                try
                {
                    DecodeResourceSpans(message, spans);
                }
                catch (OtlpFormatException ex)
                {
                    throw Within($"resource_spans[{index}]", ex);
                }

                index++;
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        return spans;
    }

    private static void DecodeResourceSpans(ReadOnlySpan<byte> message, List<StoredSpan> spans)
    {
        IReadOnlyList<SpanAttribute> resourceAttributes = [];
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                try
                {
                    resourceAttributes = DecodeResource(reader.ReadLengthDelimited());
                }
                catch (OtlpFormatException ex)
                {
                    throw Within("resource", ex);
                }
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        var serviceName = StoredSpan.UnknownService;
        foreach (var attribute in resourceAttributes)
        {
            if (attribute is { Key: "service.name", Value: string name } && name.Length > 0)
            {
                serviceName = name;
            }
        }

        reader = new ProtobufReader(message);
        var index = 0;
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 2 && type == WireType.LengthDelimited)
            {
                var scopeSpans = reader.ReadLengthDelimited();
                try
                {
                    DecodeScopeSpans(scopeSpans, serviceName, resourceAttributes, spans);
                }
                catch (OtlpFormatException ex)
                {
                    throw Within($"scope_spans[{index}]", ex);
                }

                index++;
            }
            else
            {
                reader.SkipField(field, type);
            }
        }
    }

    private static List<SpanAttribute> DecodeResource(ReadOnlySpan<byte> message)
    {
        var attributes = new List<SpanAttribute>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                attributes.Add(DecodeKeyValue(reader.ReadLengthDelimited(), depth: 0));
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        return attributes;
    }

    private static void DecodeScopeSpans(ReadOnlySpan<byte> message, string serviceName, IReadOnlyList<SpanAttribute> resourceAttributes, List<StoredSpan> spans)
    {
        var scopeName = "";
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                scopeName = DecodeScopeName(reader.ReadLengthDelimited());
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        reader = new ProtobufReader(message);
        var index = 0;
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 2 && type == WireType.LengthDelimited)
            {
                var span = reader.ReadLengthDelimited();
                try
                {
                    spans.Add(DecodeSpan(span, serviceName, scopeName, resourceAttributes));
                }
                catch (OtlpFormatException ex)
                {
                    throw Within($"spans[{index}]", ex);
                }

                index++;
            }
            else
            {
                reader.SkipField(field, type);
            }
        }
    }

    private static string DecodeScopeName(ReadOnlySpan<byte> message)
    {
        var name = "";
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                name = reader.ReadString();
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        return name;
    }

    private static StoredSpan DecodeSpan(ReadOnlySpan<byte> message, string serviceName, string scopeName, IReadOnlyList<SpanAttribute> resourceAttributes)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default, parentSpanId = default;
        string name = "", statusMessage = "";
        ulong kind = 0, start = 0, end = 0;
        var statusCode = SpanStatusCode.Unset;
        var attributes = new List<SpanAttribute>();
        var events = new List<SpanEvent>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireType.LengthDelimited):
                    traceId = reader.ReadLengthDelimited();
                    break;
                case (2, WireType.LengthDelimited):
                    spanId = reader.ReadLengthDelimited();
                    break;
                case (4, WireType.LengthDelimited):
                    parentSpanId = reader.ReadLengthDelimited();
                    break;
                case (5, WireType.LengthDelimited):
                    name = reader.ReadString();
                    break;
                case (6, WireType.Varint):
                    kind = reader.ReadVarint();
                    break;
                case (7, WireType.Fixed64):
                    start = reader.ReadFixed64();
                    break;
                case (8, WireType.Fixed64):
                    end = reader.ReadFixed64();
                    break;
                case (9, WireType.LengthDelimited):
                    attributes.Add(DecodeKeyValue(reader.ReadLengthDelimited(), depth: 0));
                    break;
                case (11, WireType.LengthDelimited):
                    events.Add(DecodeEvent(reader.ReadLengthDelimited()));
                    break;
                case (15, WireType.LengthDelimited):
                    (statusCode, statusMessage) = DecodeStatus(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.SkipField(field, type);
                    break;
            }
        }

        if (traceId.Length != 16 || !traceId.ContainsAnyExcept((byte)0))
        {
            throw new OtlpFormatException(traceId.Length == 16 ? "trace_id is all zeros" : $"trace_id has {traceId.Length} bytes, expected 16");
        }

        if (spanId.Length != 8 || !spanId.ContainsAnyExcept((byte)0))
        {
            throw new OtlpFormatException(spanId.Length == 8 ? "span_id is all zeros" : $"span_id has {spanId.Length} bytes, expected 8");
        }

        // An empty or all-zero parent means "no parent" (some SDKs send zeros rather than omitting the field).
        if (parentSpanId.Length is not (0 or 8))
        {
            throw new OtlpFormatException($"parent_span_id has {parentSpanId.Length} bytes, expected 0 or 8");
        }

        return new StoredSpan
        {
            TraceId = Convert.ToHexStringLower(traceId),
            SpanId = Convert.ToHexStringLower(spanId),
            ParentSpanId = parentSpanId.ContainsAnyExcept((byte)0) ? Convert.ToHexStringLower(parentSpanId) : null,
            Name = name,
            Kind = kind <= (ulong)SpanKind.Consumer ? (SpanKind)kind : SpanKind.Unspecified,
            StartUnixNano = start,
            EndUnixNano = end,
            ServiceName = serviceName,
            ScopeName = scopeName,
            Attributes = attributes,
            Events = events,
            StatusCode = statusCode,
            StatusMessage = statusMessage,
            ResourceAttributes = resourceAttributes,
        };
    }

    private static SpanEvent DecodeEvent(ReadOnlySpan<byte> message)
    {
        ulong time = 0;
        var name = "";
        var attributes = new List<SpanAttribute>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireType.Fixed64):
                    time = reader.ReadFixed64();
                    break;
                case (2, WireType.LengthDelimited):
                    name = reader.ReadString();
                    break;
                case (3, WireType.LengthDelimited):
                    attributes.Add(DecodeKeyValue(reader.ReadLengthDelimited(), depth: 0));
                    break;
                default:
                    reader.SkipField(field, type);
                    break;
            }
        }

        return new SpanEvent(name, time, attributes);
    }

    private static (SpanStatusCode Code, string Message) DecodeStatus(ReadOnlySpan<byte> message)
    {
        ulong code = 0;
        var text = "";
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (2, WireType.LengthDelimited):
                    text = reader.ReadString();
                    break;
                case (3, WireType.Varint):
                    code = reader.ReadVarint();
                    break;
                default:
                    reader.SkipField(field, type);
                    break;
            }
        }

        return (code <= (ulong)SpanStatusCode.Error ? (SpanStatusCode)code : SpanStatusCode.Unset, text);
    }

    private static SpanAttribute DecodeKeyValue(ReadOnlySpan<byte> message, int depth)
    {
        var key = "";
        object? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireType.LengthDelimited):
                    key = reader.ReadString();
                    break;
                case (2, WireType.LengthDelimited):
                    value = DecodeAnyValue(reader.ReadLengthDelimited(), depth);
                    break;
                default:
                    reader.SkipField(field, type);
                    break;
            }
        }

        return new SpanAttribute(key, value);
    }

    private static object? DecodeAnyValue(ReadOnlySpan<byte> message, int depth)
    {
        if (depth >= MaxValueDepth)
        {
            throw new OtlpFormatException($"attribute values nested deeper than {MaxValueDepth}");
        }

        // A oneof: when several members are present the last one wins, as in every protobuf implementation.
        object? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireType.LengthDelimited):
                    value = reader.ReadString();
                    break;
                case (2, WireType.Varint):
                    value = reader.ReadVarint() != 0;
                    break;
                case (3, WireType.Varint):
                    value = unchecked((long)reader.ReadVarint());
                    break;
                case (4, WireType.Fixed64):
                    value = reader.ReadDouble();
                    break;
                case (5, WireType.LengthDelimited):
                    value = DecodeArray(reader.ReadLengthDelimited(), depth + 1);
                    break;
                case (6, WireType.LengthDelimited):
                    value = DecodeKeyValueList(reader.ReadLengthDelimited(), depth + 1);
                    break;
                case (7, WireType.LengthDelimited):
                    value = reader.ReadLengthDelimited().ToArray();
                    break;
                default:
                    reader.SkipField(field, type);
                    break;
            }
        }

        return value;
    }

    private static List<object?> DecodeArray(ReadOnlySpan<byte> message, int depth)
    {
        var values = new List<object?>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                values.Add(DecodeAnyValue(reader.ReadLengthDelimited(), depth));
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        return values;
    }

    private static List<SpanAttribute> DecodeKeyValueList(ReadOnlySpan<byte> message, int depth)
    {
        var values = new List<SpanAttribute>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited)
            {
                values.Add(DecodeKeyValue(reader.ReadLengthDelimited(), depth));
            }
            else
            {
                reader.SkipField(field, type);
            }
        }

        return values;
    }

    private static OtlpFormatException Within(string path, OtlpFormatException inner)
    {
        // Nested messages each add their part, giving "resource_spans[0].scope_spans[1].spans[7]: reason".
        var message = inner.Message;
        var separator = message.StartsWith("scope_spans[", StringComparison.Ordinal) || message.StartsWith("spans[", StringComparison.Ordinal)
            || message.StartsWith("resource:", StringComparison.Ordinal) ? "." : ": ";
        return new OtlpFormatException(path + separator + message);
    }
}
