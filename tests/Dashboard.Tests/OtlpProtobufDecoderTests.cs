using System.Text;
using OrleansDist.Dashboard.Otlp;
using OrleansDist.Dashboard.Storage;
using static OrleansDist.Dashboard.Tests.OtlpRequestBuilder;

namespace OrleansDist.Dashboard.Tests;

public sealed class OtlpProtobufDecoderTests
{
    [Fact]
    public void DecodesEveryFieldTheViewerShows()
    {
        var body = Request("svc-a", Span(TraceId(1), SpanId(2), SpanId(1), "IGreeter/SayHello", startMs: 5, durationMs: 20, extra: span =>
        {
            Attribute(span, "text", v => v.StringField(1, "héllo"));
            Attribute(span, "flag", v => v.VarintField(2, 1));
            Attribute(span, "negative", v => v.VarintField(3, unchecked((ulong)-42L)));
            Attribute(span, "ratio", v => v.Fixed64Field(4, BitConverter.DoubleToUInt64Bits(0.25)));
            Attribute(span, "list", v => v.MessageField(5, array => array.MessageField(1, a => a.StringField(1, "x")).MessageField(1, a => a.VarintField(3, 7))));
            Attribute(span, "map", v => v.MessageField(6, list => list.MessageField(1, kv => KeyValue(kv, "inner", iv => iv.VarintField(2, 0)))));
            Attribute(span, "raw", v => v.BytesField(7, [1, 2, 3]));
            Attribute(span, "empty", _ => { });
            span.MessageField(11, e => e.Fixed64Field(1, (ulong)(BaseUnixNano + 9_000_000)).StringField(2, "exception")
                .MessageField(3, kv => KeyValue(kv, "exception.type", v => v.StringField(1, "System.TimeoutException"))));
            span.MessageField(15, status => status.StringField(2, "it failed").VarintField(3, 2));
        }));

        var span = Assert.Single(OtlpProtobufTraceDecoder.Decode(body));

        Assert.Equal(Hex(TraceId(1)), span.TraceId);
        Assert.Equal(Hex(SpanId(2)), span.SpanId);
        Assert.Equal(Hex(SpanId(1)), span.ParentSpanId);
        Assert.Equal("IGreeter/SayHello", span.Name);
        Assert.Equal(SpanKind.Server, span.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(20), span.Duration);
        Assert.Equal("svc-a", span.ServiceName);
        Assert.Equal("test-scope", span.ScopeName);
        Assert.Equal("héllo", span.GetAttribute("text"));
        Assert.Equal(true, span.GetAttribute("flag"));
        Assert.Equal(-42L, span.GetAttribute("negative"));
        Assert.Equal(0.25, span.GetAttribute("ratio"));
        Assert.Equal(["x", 7L], Assert.IsAssignableFrom<IReadOnlyList<object?>>(span.GetAttribute("list")));
        Assert.Equal(new SpanAttribute("inner", false), Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<SpanAttribute>>(span.GetAttribute("map"))));
        Assert.Equal([1, 2, 3], Assert.IsType<byte[]>(span.GetAttribute("raw")));
        Assert.Null(span.GetAttribute("empty"));
        var spanEvent = Assert.Single(span.Events);
        Assert.Equal("exception", spanEvent.Name);
        Assert.Equal("System.TimeoutException", Assert.Single(spanEvent.Attributes).Value);
        Assert.Equal(SpanStatusCode.Error, span.StatusCode);
        Assert.Equal("it failed", span.StatusMessage);
        Assert.Contains(span.ResourceAttributes, a => a is { Key: "service.name", Value: "svc-a" });
    }

    [Fact]
    public void SkipsUnknownFieldsOfEveryWireTypeAtEveryLevel()
    {
        static void Unknown(ProtobufWriter w) => w
            .VarintField(900, 123456789)
            .Fixed64Field(901, 42)
            .Tag(902, WireType.Fixed32).Fixed32(7)
            .BytesField(903, Encoding.UTF8.GetBytes("future field"))
            .Tag(904, WireType.StartGroup).VarintField(1, 5).Tag(2, WireType.StartGroup).Tag(2, WireType.EndGroup).Tag(904, WireType.EndGroup);

        var body = new ProtobufWriter()
            .MessageField(1, resourceSpans =>
            {
                Unknown(resourceSpans);
                // Scope spans before the resource: the service name must still apply.
                resourceSpans.MessageField(2, scopeSpans =>
                {
                    Unknown(scopeSpans);
                    scopeSpans.MessageField(2, span =>
                    {
                        Unknown(span);
                        Span(TraceId(1), SpanId(1), null, "root")(span);
                        span.StringField(3, "vendor=x").Fixed32Field(16, 1); // trace_state, flags: known but not shown
                    });
                    scopeSpans.MessageField(1, scope => scope.StringField(1, "late-scope"));
                });
                resourceSpans.MessageField(1, resource =>
                {
                    Unknown(resource);
                    resource.MessageField(1, kv => KeyValue(kv, "service.name", v => v.StringField(1, "late-service")));
                });
            })
            .VarintField(2, 1)
            .ToArray();

        var span = Assert.Single(OtlpProtobufTraceDecoder.Decode(body));
        Assert.Equal("late-service", span.ServiceName);
        Assert.Equal("late-scope", span.ScopeName);
        Assert.Equal("root", span.Name);
    }

    [Fact]
    public void EmptyRequestHasNoSpansAndMissingServiceNameIsUnknownService()
    {
        Assert.Empty(OtlpProtobufTraceDecoder.Decode([]));
        var body = new ProtobufWriter().MessageField(1, rs => rs.MessageField(2, ss => ss.MessageField(2, Span(TraceId(1), SpanId(1), null, "x")))).ToArray();
        Assert.Equal(StoredSpan.UnknownService, Assert.Single(OtlpProtobufTraceDecoder.Decode(body)).ServiceName);
    }

    [Fact]
    public void AllZeroParentMeansNoParent()
    {
        var body = Request("svc", Span(TraceId(1), SpanId(1), new byte[8], "root"));
        Assert.Null(Assert.Single(OtlpProtobufTraceDecoder.Decode(body)).ParentSpanId);
    }

    public static TheoryData<string, byte[], string> InvalidRequests => new()
    {
        { "short trace id", Request("svc", Span([1, 2, 3], SpanId(1), null, "x")), "resource_spans[0].scope_spans[0].spans[0]: trace_id has 3 bytes" },
        { "zero trace id", Request("svc", Span(new byte[16], SpanId(1), null, "x")), "trace_id is all zeros" },
        { "missing span id", Request("svc", Span(TraceId(1), [], null, "x")), "span_id has 0 bytes" },
        { "zero span id", Request("svc", Span(TraceId(1), new byte[8], null, "x")), "span_id is all zeros" },
        { "bad parent id", Request("svc", Span(TraceId(1), SpanId(1), [1, 2], "x")), "parent_span_id has 2 bytes" },
        { "invalid UTF-8", Request("svc", Span(TraceId(1), SpanId(1), null, "x", extra: s => s.BytesField(5, [0xC3, 0x28]))), "not valid UTF-8" },
        { "truncated", Request("svc", Span(TraceId(1), SpanId(1), null, "x"))[..^3], "runs past the end" },
        { "wire type 7", [0x0F], "invalid wire type 7" },
        { "field number 0", [0x00], "invalid field number 0" },
        { "varint too long", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "varint" },
        { "unclosed group", [0x0B, 0x08, 0x01], "group 1 is not closed" },
        { "stray end group", [0x0C], "unexpected end of group" },
        { "length beyond int", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "runs past the end" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void RejectsInvalidInputWithAReason(string description, byte[] body, string expectedReason)
    {
        var error = Assert.Throws<OtlpFormatException>(() => OtlpProtobufTraceDecoder.Decode(body));
        Assert.True(error.Message.Contains(expectedReason, StringComparison.Ordinal), $"{description}: '{error.Message}' lacks '{expectedReason}'");
    }

    [Fact]
    public void RejectsValuesNestedTooDeeply()
    {
        Action<ProtobufWriter> value = v => v.StringField(1, "leaf");
        for (var i = 0; i < OtlpProtobufTraceDecoder.MaxValueDepth + 2; i++)
        {
            var inner = value;
            value = v => v.MessageField(5, array => array.MessageField(1, inner));
        }

        var body = Request("svc", Span(TraceId(1), SpanId(1), null, "x", extra: s => Attribute(s, "deep", value)));
        Assert.Contains("nested deeper", Assert.Throws<OtlpFormatException>(() => OtlpProtobufTraceDecoder.Decode(body)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsGroupsNestedTooDeeply()
    {
        var writer = new ProtobufWriter();
        for (var i = 0; i < ProtobufReader.MaxGroupDepth + 5; i++)
        {
            writer.Tag(5, WireType.StartGroup);
        }

        Assert.Contains("nested too deeply", Assert.Throws<OtlpFormatException>(() => OtlpProtobufTraceDecoder.Decode(writer.ToArray())).Message, StringComparison.Ordinal);
    }
}
