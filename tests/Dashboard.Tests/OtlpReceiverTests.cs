using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansDist.Dashboard.Otlp;
using static OrleansDist.Dashboard.Tests.OtlpRequestBuilder;

namespace OrleansDist.Dashboard.Tests;

/// <summary>The receiver's HTTP contract: status codes, limits, encodings, and that bad requests disturb nothing.</summary>
public sealed class OtlpReceiverTests
{
    private static byte[] GoodRequest(int trace, string name = "good") => Request("svc", Span(TraceId(trace), SpanId(1), null, name));

    private static async Task AssertStillHealthyAsync(DashboardServerFixture dashboard, int earlierTraces, int newTrace)
    {
        using var good = await dashboard.PostTracesAsync(GoodRequest(newTrace, "after-bad-request"));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var listed = JsonDocument.Parse(await dashboard.Http.GetStringAsync("api/traces")).RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal(earlierTraces + 1, listed.Count);
        Assert.Contains(Hex(TraceId(newTrace)), listed);
        for (var i = 1; i <= earlierTraces; i++)
        {
            Assert.Contains(Hex(TraceId(i)), listed);
        }
    }

    [Fact]
    public async Task GoodProtobufExportIsStoredAndAnsweredWithAnEmptyResponse()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using var response = await dashboard.PostTracesAsync(GoodRequest(1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.True(dashboard.Server.Store.TryGetTrace(Hex(TraceId(1)), out _));
    }

    [Fact]
    public async Task MalformedProtobufGets400WithAReasonAndDisturbsNothing()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        (await dashboard.PostTracesAsync(GoodRequest(1))).Dispose();
        var versionBefore = dashboard.Server.Store.Version;

        // A valid first resource followed by a broken one: nothing of the request may be stored.
        var half = new ProtobufWriter().Raw(Request("svc", Span(TraceId(2), SpanId(1), null, "partial"))).Raw([0x0A, 0x10, 0x01]).ToArray();
        using var response = await dashboard.PostTracesAsync(half);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("malformed OTLP request", Encoding.UTF8.GetString(status), StringComparison.Ordinal); // google.rpc.Status.message
        Assert.Equal(versionBefore, dashboard.Server.Store.Version);
        Assert.False(dashboard.Server.Store.TryGetTrace(Hex(TraceId(2)), out _));
        await AssertStillHealthyAsync(dashboard, earlierTraces: 1, newTrace: 3);
    }

    [Fact]
    public async Task OversizedBodyGets413ByContentLengthAndWhileReadingChunked()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync(o => o.MaxRequestBytes = 64 * 1024);
        (await dashboard.PostTracesAsync(GoodRequest(1))).Dispose();
        var big = Request("svc", Span(TraceId(2), SpanId(1), null, new string('x', 100 * 1024)));

        using (var byLength = await dashboard.PostTracesAsync(big))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, byLength.StatusCode);
        }

        // No Content-Length: the limit is enforced while reading.
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, "v1/traces") { Content = new StreamContent(new NonSeekableStream(big)) })
        {
            chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await dashboard.Http.SendAsync(chunked);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.False(dashboard.Server.Store.TryGetTrace(Hex(TraceId(2)), out _));
        await AssertStillHealthyAsync(dashboard, earlierTraces: 1, newTrace: 3);
    }

    [Fact]
    public async Task WrongContentTypeOrEncodingGets415()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        (await dashboard.PostTracesAsync(GoodRequest(1))).Dispose();

        using (var text = await dashboard.PostTracesAsync(GoodRequest(2), "text/plain"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
            Assert.Contains("application/x-protobuf", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var none = new HttpRequestMessage(HttpMethod.Post, "v1/traces") { Content = new ByteArrayContent(GoodRequest(2)) })
        using (var response = await dashboard.Http.SendAsync(none))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        using (var brotli = await dashboard.PostTracesAsync(GoodRequest(2), contentEncoding: "br"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, brotli.StatusCode);
        }

        Assert.False(dashboard.Server.Store.TryGetTrace(Hex(TraceId(2)), out _));
        await AssertStillHealthyAsync(dashboard, earlierTraces: 1, newTrace: 3);
    }

    [Fact]
    public async Task GzipAndDeflateBodiesAreAcceptedAndTheirDecompressedSizeIsLimited()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync(o => o.MaxRequestBytes = 64 * 1024);

        using (var gzip = await dashboard.PostTracesAsync(Compress(GoodRequest(1), deflate: false), contentEncoding: "gzip"))
        {
            Assert.Equal(HttpStatusCode.OK, gzip.StatusCode);
        }

        using (var deflate = await dashboard.PostTracesAsync(Compress(GoodRequest(2), deflate: true), contentEncoding: "deflate"))
        {
            Assert.Equal(HttpStatusCode.OK, deflate.StatusCode);
        }

        // A bomb: about 1 KB on the wire, 1 MB once inflated.
        var bomb = Compress(Request("svc", Span(TraceId(9), SpanId(1), null, new string('a', 1024 * 1024))), deflate: false);
        Assert.True(bomb.Length < 64 * 1024);
        using (var response = await dashboard.PostTracesAsync(bomb, contentEncoding: "gzip"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("decompressed", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        }

        // Cut short anywhere, including inside the trailer: .NET's inflater alone would accept some of these.
        foreach (var deflate in new[] { false, true })
        {
            var whole = Compress(GoodRequest(4), deflate);
            foreach (var cut in new[] { 1, 3, 10, whole.Length / 2, whole.Length - 5, whole.Length - 4, whole.Length - 1 })
            {
                using var truncated = await dashboard.PostTracesAsync(whole[..cut], contentEncoding: deflate ? "deflate" : "gzip");
                Assert.True(truncated.StatusCode == HttpStatusCode.BadRequest, $"{(deflate ? "deflate" : "gzip")} cut at {cut} of {whole.Length}: {truncated.StatusCode}");
            }
        }

        Assert.False(dashboard.Server.Store.TryGetTrace(Hex(TraceId(4)), out _));

        await AssertStillHealthyAsync(dashboard, earlierTraces: 2, newTrace: 3);
    }

    [Fact]
    public async Task JsonExportIsAcceptedAndBadJsonGets400InJson()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        using (var ok = await dashboard.PostTracesAsync(Encoding.UTF8.GetBytes(OtlpJsonDecoderTests.ValidRequest), "application/json; charset=utf-8"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("{}", await ok.Content.ReadAsStringAsync());
        }

        using var bad = await dashboard.PostTracesAsync("{\"resourceSpans\":7}"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var status = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, status.GetProperty("code").GetInt32());
        Assert.Contains("not an array", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, dashboard.Server.Store.TraceCount);
    }

    [Fact]
    public async Task SpansBeyondTheTraceLimitAreReportedAsPartialSuccess()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync(o => o.MaxSpansPerTrace = 2);
        using var response = await dashboard.PostTracesAsync(Request("svc",
            Span(TraceId(1), SpanId(1), null, "a"), Span(TraceId(1), SpanId(2), SpanId(1), "b"), Span(TraceId(1), SpanId(3), SpanId(1), "c")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // ExportTraceServiceResponse.partial_success (1) { rejected_spans (1) = 1, error_message (2) }
        var body = await response.Content.ReadAsByteArrayAsync();
        var reader = new ProtobufReader(body);
        Assert.True(reader.TryReadTag(out var field, out _));
        Assert.Equal(1, field);
        var partial = new ProtobufReader(reader.ReadLengthDelimited());
        Assert.True(partial.TryReadTag(out field, out _));
        Assert.Equal(1, field);
        Assert.Equal(1UL, partial.ReadVarint());
    }

    [Fact]
    public async Task ManyBadRequestsInParallelWithGoodOnesLoseNoGoodSpan()
    {
        await using var dashboard = await DashboardServerFixture.StartAsync();
        var random = new Random(5);
        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            if (i % 2 == 0)
            {
                using var good = await dashboard.PostTracesAsync(Request("svc", Span(TraceId(1000 + i), SpanId(1), null, "good")));
                Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            }
            else
            {
                var garbage = new byte[64 + i];
                lock (random)
                {
                    random.NextBytes(garbage);
                }

                using var bad = await dashboard.PostTracesAsync(garbage);
                Assert.True(bad.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.OK, $"unexpected {bad.StatusCode}");
            }
        });
        await Task.WhenAll(requests);

        for (var i = 0; i < 200; i += 2)
        {
            Assert.True(dashboard.Server.Store.TryGetTrace(Hex(TraceId(1000 + i)), out _));
        }
    }

    private static byte[] Compress(byte[] data, bool deflate)
    {
        using var output = new MemoryStream();
        using (Stream compressor = deflate ? new ZLibStream(output, CompressionLevel.Optimal) : new GZipStream(output, CompressionLevel.Optimal))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Makes HttpClient send chunked (no Content-Length).</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
