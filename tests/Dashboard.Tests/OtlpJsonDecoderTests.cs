using System.Text;
using OrleansDist.Dashboard.Otlp;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Tests;

public sealed class OtlpJsonDecoderTests
{
    internal const string ValidRequest = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
          "scopeSpans":[{"scope":{"name":"json-scope"},"spans":[
            {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
             "name":"child","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
             "attributes":[{"key":"i","value":{"intValue":"-5"}},{"key":"d","value":{"doubleValue":"NaN"}},
                           {"key":"a","value":{"arrayValue":{"values":[{"boolValue":true},{"stringValue":"s"}]}}},
                           {"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"intValue":3}}]}}},
                           {"key":"b","value":{"bytesValue":"AQID"}}],
             "events":[{"timeUnixNano":"1544712660500000000","name":"ev"}],
             "status":{"code":2,"message":"bad"}},
            {"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b173","name":"root","kind":2,
             "start_time_unix_nano":"1544712659000000000","end_time_unix_nano":"1544712662000000000","parentSpanId":""}]}]}]}
        """;

    [Fact]
    public void DecodesTheProtobufJsonMappingInBothNamingStyles()
    {
        var spans = OtlpJsonTraceDecoder.Decode(Encoding.UTF8.GetBytes(ValidRequest));

        Assert.Equal(2, spans.Count);
        var child = spans[0];
        Assert.Equal("5b8efff798038103d269b633813fc60c", child.TraceId);
        Assert.Equal("eee19b7ec3c1b173", child.ParentSpanId);
        Assert.Equal(SpanKind.Client, child.Kind);
        Assert.Equal("json-svc", child.ServiceName);
        Assert.Equal("json-scope", child.ScopeName);
        Assert.Equal(TimeSpan.FromSeconds(1), child.Duration);
        Assert.Equal(-5L, child.GetAttribute("i"));
        Assert.True(double.IsNaN(Assert.IsType<double>(child.GetAttribute("d"))));
        Assert.Equal([true, "s"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(child.GetAttribute("a")));
        Assert.Equal([1, 2, 3], Assert.IsType<byte[]>(child.GetAttribute("b")));
        Assert.Equal(SpanStatusCode.Error, child.StatusCode);
        Assert.Equal("ev", Assert.Single(child.Events).Name);
        Assert.Null(spans[1].ParentSpanId);
        Assert.Equal(SpanKind.Server, spans[1].Kind);
    }

    [Theory]
    [InlineData("{", "invalid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"resourceSpans":{}}""", "not an array")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"eee19b7ec3c1b174"}]}]}]}""", "resourceSpans[0].scopeSpans[0].spans[0]: traceId is missing")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"eee19b7ec3c1b174"}]}]}]}""", "traceId must be 32 hex digits")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","startTimeUnixNano":-1}]}]}]}""", "startTimeUnixNano")]
    public void RejectsInvalidJsonWithAReason(string json, string expectedReason)
    {
        var error = Assert.Throws<OtlpFormatException>(() => OtlpJsonTraceDecoder.Decode(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expectedReason, error.Message, StringComparison.Ordinal);
    }
}
