using System.Globalization;
using System.Text.Json;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>
/// Decodes an OTLP/JSON <c>ExportTraceServiceRequest</c>: the protobuf JSON mapping with OTLP's exceptions (trace and
/// span ids are hex, not base64). Field names are accepted in lowerCamelCase and snake_case, 64-bit integers as JSON
/// numbers or strings, enums as numbers or names, as protobuf JSON parsers do.
/// </summary>
internal static class OtlpJsonTraceDecoder
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static List<StoredSpan> Decode(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new OtlpFormatException("invalid JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new OtlpFormatException("the request is not a JSON object");
            }

            var spans = new List<StoredSpan>();
            var index = 0;
            foreach (var resourceSpans in Array(root, "resourceSpans", "resource_spans"))
            {
                try
                {
                    DecodeResourceSpans(resourceSpans, spans);
                }
                catch (OtlpFormatException ex)
                {
                    throw new OtlpFormatException($"resourceSpans[{index}].{ex.Message}");
                }

                index++;
            }

            return spans;
        }
    }

    private static void DecodeResourceSpans(JsonElement resourceSpans, List<StoredSpan> spans)
    {
        RequireObject(resourceSpans, "resourceSpans");
        IReadOnlyList<SpanAttribute> resourceAttributes = [];
        if (Property(resourceSpans, "resource", "resource") is { } resource)
        {
            RequireObject(resource, "resource");
            resourceAttributes = Attributes(resource, depth: 0);
        }

        var serviceName = StoredSpan.UnknownService;
        foreach (var attribute in resourceAttributes)
        {
            if (attribute is { Key: "service.name", Value: string name } && name.Length > 0)
            {
                serviceName = name;
            }
        }

        var scopeIndex = 0;
        foreach (var scopeSpans in Array(resourceSpans, "scopeSpans", "scope_spans"))
        {
            RequireObject(scopeSpans, $"scopeSpans[{scopeIndex}]");
            var scopeName = "";
            if (Property(scopeSpans, "scope", "scope") is { } scope)
            {
                RequireObject(scope, "scope");
                scopeName = String(scope, "name", "name") ?? "";
            }

            var spanIndex = 0;
            foreach (var span in Array(scopeSpans, "spans", "spans"))
            {
                try
                {
                    spans.Add(DecodeSpan(span, serviceName, scopeName, resourceAttributes));
                }
                catch (OtlpFormatException ex)
                {
                    throw new OtlpFormatException($"scopeSpans[{scopeIndex}].spans[{spanIndex}]: {ex.Message}");
                }

                spanIndex++;
            }

            scopeIndex++;
        }
    }

    private static StoredSpan DecodeSpan(JsonElement span, string serviceName, string scopeName, IReadOnlyList<SpanAttribute> resourceAttributes)
    {
        RequireObject(span, "span");
        var traceId = HexId(span, "traceId", "trace_id", 16) ?? throw new OtlpFormatException("traceId is missing");
        var spanId = HexId(span, "spanId", "span_id", 8) ?? throw new OtlpFormatException("spanId is missing");
        var parentSpanId = HexId(span, "parentSpanId", "parent_span_id", 8);
        if (traceId.All(c => c == '0'))
        {
            throw new OtlpFormatException("traceId is all zeros");
        }

        if (spanId.All(c => c == '0'))
        {
            throw new OtlpFormatException("spanId is all zeros");
        }

        var events = new List<SpanEvent>();
        foreach (var item in Array(span, "events", "events"))
        {
            RequireObject(item, "event");
            events.Add(new SpanEvent(String(item, "name", "name") ?? "", UInt64(item, "timeUnixNano", "time_unix_nano"), Attributes(item, depth: 0)));
        }

        var statusCode = SpanStatusCode.Unset;
        var statusMessage = "";
        if (Property(span, "status", "status") is { } status)
        {
            RequireObject(status, "status");
            statusMessage = String(status, "message", "message") ?? "";
            statusCode = (SpanStatusCode)Enum(status, "code", "code", "STATUS_CODE_", ["UNSET", "OK", "ERROR"]);
        }

        return new StoredSpan
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentSpanId is null || parentSpanId.All(c => c == '0') ? null : parentSpanId,
            Name = String(span, "name", "name") ?? "",
            Kind = (SpanKind)Enum(span, "kind", "kind", "SPAN_KIND_", ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]),
            StartUnixNano = UInt64(span, "startTimeUnixNano", "start_time_unix_nano"),
            EndUnixNano = UInt64(span, "endTimeUnixNano", "end_time_unix_nano"),
            ServiceName = serviceName,
            ScopeName = scopeName,
            Attributes = Attributes(span, depth: 0),
            Events = events,
            StatusCode = statusCode,
            StatusMessage = statusMessage,
            ResourceAttributes = resourceAttributes,
        };
    }

    private static List<SpanAttribute> Attributes(JsonElement owner, int depth)
    {
        var attributes = new List<SpanAttribute>();
        foreach (var item in Array(owner, "attributes", "attributes"))
        {
            attributes.Add(KeyValue(item, depth));
        }

        return attributes;
    }

    private static SpanAttribute KeyValue(JsonElement item, int depth)
    {
        RequireObject(item, "attribute");
        var key = String(item, "key", "key") ?? "";
        var value = Property(item, "value", "value") is { } anyValue ? AnyValue(anyValue, depth) : null;
        return new SpanAttribute(key, value);
    }

    private static object? AnyValue(JsonElement value, int depth)
    {
        if (depth >= OtlpProtobufTraceDecoder.MaxValueDepth)
        {
            throw new OtlpFormatException($"attribute values nested deeper than {OtlpProtobufTraceDecoder.MaxValueDepth}");
        }

        RequireObject(value, "value");
        if (Property(value, "stringValue", "string_value") is { } text)
        {
            return text.ValueKind == JsonValueKind.String ? text.GetString() : throw new OtlpFormatException("stringValue is not a string");
        }

        if (Property(value, "boolValue", "bool_value") is { } flag)
        {
            return flag.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new OtlpFormatException("boolValue is not true or false"),
            };
        }

        if (Property(value, "intValue", "int_value") is { } integer)
        {
            return Int64(integer, "intValue");
        }

        if (Property(value, "doubleValue", "double_value") is { } number)
        {
            return Double(number);
        }

        if (Property(value, "arrayValue", "array_value") is { } array)
        {
            RequireObject(array, "arrayValue");
            var values = new List<object?>();
            foreach (var item in Array(array, "values", "values"))
            {
                values.Add(AnyValue(item, depth + 1));
            }

            return values;
        }

        if (Property(value, "kvlistValue", "kvlist_value") is { } list)
        {
            RequireObject(list, "kvlistValue");
            var values = new List<SpanAttribute>();
            foreach (var item in Array(list, "values", "values"))
            {
                values.Add(KeyValue(item, depth + 1));
            }

            return values;
        }

        if (Property(value, "bytesValue", "bytes_value") is { } bytes)
        {
            return bytes.ValueKind == JsonValueKind.String && bytes.TryGetBytesFromBase64(out var decoded)
                ? decoded
                : throw new OtlpFormatException("bytesValue is not base64");
        }

        return null;
    }

    private static JsonElement? Property(JsonElement owner, string camelName, string snakeName)
    {
        if (owner.TryGetProperty(camelName, out var value) || owner.TryGetProperty(snakeName, out value))
        {
            return value.ValueKind == JsonValueKind.Null ? null : value;
        }

        return null;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement owner, string camelName, string snakeName)
    {
        if (Property(owner, camelName, snakeName) is not { } value)
        {
            return default;
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new OtlpFormatException($"{camelName} is not an array");
    }

    private static string? String(JsonElement owner, string camelName, string snakeName)
    {
        if (Property(owner, camelName, snakeName) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new OtlpFormatException($"{camelName} is not a string");
    }

    private static string? HexId(JsonElement owner, string camelName, string snakeName, int bytes)
    {
        var text = String(owner, camelName, snakeName);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length != bytes * 2 || !text.All(char.IsAsciiHexDigit))
        {
            throw new OtlpFormatException($"{camelName} must be {bytes * 2} hex digits");
        }

        return text.ToLowerInvariant();
    }

    private static ulong UInt64(JsonElement owner, string camelName, string snakeName)
    {
        if (Property(owner, camelName, snakeName) is not { } value)
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new OtlpFormatException($"{camelName} is not an unsigned 64-bit integer");
    }

    private static long Int64(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new OtlpFormatException($"{name} is not a 64-bit integer");
    }

    private static double Double(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        // The protobuf JSON mapping writes the non-finite values as strings.
        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new OtlpFormatException("doubleValue is not a number");
    }

    private static int Enum(JsonElement owner, string camelName, string snakeName, string prefix, string[] names)
    {
        if (Property(owner, camelName, snakeName) is not { } value)
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            // Protobuf enums are open: a value from a newer schema is kept as "unspecified".
            return number >= 0 && number < names.Length ? number : 0;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            var index = System.Array.IndexOf(names, text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text);
            return index >= 0 ? index : 0;
        }

        throw new OtlpFormatException($"{camelName} is not a number or an enum name");
    }

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new OtlpFormatException($"{what} is not a JSON object");
        }
    }
}
