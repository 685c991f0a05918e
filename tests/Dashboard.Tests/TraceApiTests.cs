using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansDist.Dashboard.Otlp;
using static OrleansDist.Dashboard.Tests.OtlpRequestBuilder;

namespace OrleansDist.Dashboard.Tests;

public sealed class TraceApiTests
{
    [Fact]
    public async Task ListHasTheDocumentedShapeNewestFirstAndHonoursLimit()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        (await dashboard.PostTracesAsync(Request("svc-a", Span(TraceId(1), SpanId(1), null, "older", startMs: 0, durationMs: 1500)))).Dispose();
        (await dashboard.PostTracesAsync(Request("svc-b", Span(TraceId(2), SpanId(1), null, "newer", startMs: 5000)))).Dispose();

        using var list = JsonDocument.Parse(await dashboard.Http.GetStringAsync("api/traces"));
        var traces = list.RootElement.EnumerateArray().ToList();
        Assert.Equal(["newer", "older"], traces.Select(t => t.GetProperty("rootName").GetString()));
        var older = traces[1];
        Assert.Equal(Hex(TraceId(1)), older.GetProperty("id").GetString());
        Assert.Equal(1500, older.GetProperty("durationMs").GetDouble());
        Assert.Equal(1, older.GetProperty("spanCount").GetInt32());
        Assert.Equal("svc-a", Assert.Single(older.GetProperty("services").EnumerateArray()).GetString());
        var start = DateTime.Parse(older.GetProperty("start").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, start.Kind);
        Assert.Equal(DateTime.UnixEpoch.AddTicks(BaseUnixNano / 100), start);

        using var limited = JsonDocument.Parse(await dashboard.Http.GetStringAsync("api/traces?limit=1"));
        Assert.Equal("newer", Assert.Single(limited.RootElement.EnumerateArray()).GetProperty("rootName").GetString());
        using var badLimit = await dashboard.Http.GetAsync("api/traces?limit=zero");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task TraceDetailHasSpansWithParentsAttributesAndOffsets()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        (await dashboard.PostTracesAsync(Request("svc",
            Span(TraceId(1), SpanId(1), null, "root", startMs: 0, durationMs: 100),
            Span(TraceId(1), SpanId(2), SpanId(1), "child", startMs: 25, durationMs: 50, extra: s =>
            {
                Attribute(s, "n", v => v.VarintField(3, 5));
                Attribute(s, "n", v => v.VarintField(3, 6)); // repeated key: the last one wins
                Attribute(s, "list", v => v.MessageField(5, a => a.MessageField(1, x => x.StringField(1, "a"))));
                Attribute(s, "nan", v => v.Fixed64Field(4, BitConverter.DoubleToUInt64Bits(double.NaN)));
            })))).Dispose();

        using var response = await dashboard.Http.GetAsync($"api/traces/{Hex(TraceId(1)).ToUpperInvariant()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spans = detail.RootElement.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(["root", "child"], spans.Select(s => s.GetProperty("name").GetString()));
        var child = spans[1];
        Assert.Equal(Hex(SpanId(1)), child.GetProperty("parentSpanId").GetString());
        Assert.Equal(25, child.GetProperty("startOffsetMs").GetDouble());
        Assert.Equal(50, child.GetProperty("durationMs").GetDouble());
        Assert.Equal("server", child.GetProperty("kind").GetString());
        Assert.Equal("svc", child.GetProperty("service").GetString());
        var attributes = child.GetProperty("attributes");
        Assert.Equal(6, attributes.GetProperty("n").GetInt64());
        Assert.Equal("a", attributes.GetProperty("list")[0].GetString());
        Assert.Equal("NaN", attributes.GetProperty("nan").GetString());
        Assert.Equal("svc", child.GetProperty("resource").GetProperty("service.name").GetString());
    }

    [Fact]
    public async Task UnknownTraceIs404AndMalformedIdIs400()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using var missing = await dashboard.Http.GetAsync($"api/traces/{Hex(TraceId(42))}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var malformed = await dashboard.Http.GetAsync("api/traces/not-a-trace-id");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task PollingWithTheETagCostsA304UntilSomethingChanges()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using var first = await dashboard.Http.GetAsync("api/traces");
        var etag = first.Headers.ETag!;

        using (var again = new HttpRequestMessage(HttpMethod.Get, "api/traces"))
        {
            again.Headers.IfNoneMatch.Add(etag);
            using var response = await dashboard.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        (await dashboard.PostTracesAsync(Request("svc", Span(TraceId(1), SpanId(1), null, "x")))).Dispose();
        using (var after = new HttpRequestMessage(HttpMethod.Get, "api/traces"))
        {
            after.Headers.IfNoneMatch.Add(etag);
            using var response = await dashboard.Http.SendAsync(after);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task DeleteClearsTheStore()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        (await dashboard.PostTracesAsync(Request("svc", Span(TraceId(1), SpanId(1), null, "x")))).Dispose();
        using var response = await dashboard.Http.DeleteAsync("api/traces");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, dashboard.Server.Store.TraceCount);
    }

    [Theory]
    [InlineData("", "text/html", "id=\"trace-list\"")]
    [InlineData("trace/0123456789abcdef0123456789abcdef", "text/html", "id=\"waterfall\"")]
    [InlineData("assets/app.js", "text/javascript", "span-row")]
    [InlineData("assets/app.css", "text/css", ".span-bar")]
    [InlineData("assets/favicon.svg", "image/svg+xml", "<svg")]
    [InlineData("healthz", "", "ok")]
    public async Task PageAndAssetsAreServedFromTheAssembly(string path, string mediaType, string expectedText)
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using var response = await dashboard.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (mediaType.Length > 0)
        {
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }

        Assert.Contains(expectedText, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        if (mediaType == "text/html")
        {
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownAssetIs404()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using var response = await dashboard.Http.GetAsync("assets/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var post = await dashboard.Http.PostAsync("api/traces", new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public void ProtobufWriterAndReaderAgree()
    {
        // The writer is used by the receiver's responses and these tests' requests; check it against the reader once.
        var bytes = new ProtobufWriter().VarintField(1, ulong.MaxValue).Fixed64Field(2, 7).StringField(3, "é").ToArray();
        var reader = new ProtobufReader(bytes);
        Assert.True(reader.TryReadTag(out var field, out var type));
        Assert.Equal((1, WireType.Varint), (field, type));
        Assert.Equal(ulong.MaxValue, reader.ReadVarint());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal(7UL, reader.ReadFixed64());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal("é", reader.ReadString());
        Assert.False(reader.TryReadTag(out _, out _));
    }
}
