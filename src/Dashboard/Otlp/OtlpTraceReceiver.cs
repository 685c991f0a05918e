using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansDist.Dashboard.Logging;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP trace receiver behind <c>POST /v1/traces</c>: checks media type, encoding and size, decodes the whole
/// request, and only then adds its spans to the <see cref="TraceStore"/> in one batch, so a bad request changes nothing.
/// </summary>
/// <remarks>
/// Status codes follow the OTLP/HTTP specification: 200 with an <c>ExportTraceServiceResponse</c> (carrying a partial
/// success when spans were refused), 400 for an undecodable body, 413 for an oversized one, 415 for an unknown media
/// type or content encoding. Error bodies are a <c>google.rpc.Status</c> in the request's encoding, whose message is
/// the human-readable reason (also logged).
/// </remarks>
internal sealed class OtlpTraceReceiver(TraceStore store, IOptions<TraceDashboardOptions> options, ILogger<OtlpTraceReceiver> logger)
{
    public const string ProtobufMediaType = "application/x-protobuf";
    public const string JsonMediaType = "application/json";

    // google.rpc.Code values used in error bodies.
    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;

    private readonly long _maxRequestBytes = options.Value.MaxRequestBytes;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var remote = context.Connection.RemoteIpAddress?.ToString();

        if (!TryGetFormat(request.ContentType, out var format))
        {
            await RejectPlainAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Type '{request.ContentType}'; send {ProtobufMediaType} or {JsonMediaType}").ConfigureAwait(false);
            return;
        }

        if (!TryGetEncoding(request.Headers.ContentEncoding.ToString(), out var encoding))
        {
            await RejectPlainAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Encoding '{request.Headers.ContentEncoding}'; send gzip, deflate or no encoding").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > _maxRequestBytes)
        {
            await RejectAsync(context, format, StatusCodes.Status413PayloadTooLarge, ResourceExhausted,
                $"the request body ({request.ContentLength} bytes) exceeds the limit of {_maxRequestBytes} bytes").ConfigureAwait(false);
            return;
        }

        // The limit is enforced while reading (below), for chunked and compressed bodies too; Kestrel's own default
        // (30 MB) would otherwise answer first with an exception instead of our 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        List<StoredSpan> spans;
        try
        {
            using var body = await RequestBody.ReadAsync(request.Body, request.ContentLength, encoding, _maxRequestBytes, cancellationToken).ConfigureAwait(false);
            spans = format == OtlpPayloadFormat.Protobuf ? OtlpProtobufTraceDecoder.Decode(body.Span) : OtlpJsonTraceDecoder.Decode(body.Memory);
        }
        catch (RequestTooLargeException ex)
        {
            await RejectAsync(context, format, StatusCodes.Status413PayloadTooLarge, ResourceExhausted, ex.Message).ConfigureAwait(false);
            return;
        }
        catch (InvalidDataException ex)
        {
            await RejectAsync(context, format, StatusCodes.Status400BadRequest, InvalidArgument, $"the body is not valid {encoding.ToString().ToLowerInvariant()} data: {ex.Message}").ConfigureAwait(false);
            return;
        }
        catch (OtlpFormatException ex)
        {
            await RejectAsync(context, format, StatusCodes.Status400BadRequest, InvalidArgument, "malformed OTLP request: " + ex.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || cancellationToken.IsCancellationRequested)
        {
            // The exporter went away (or sent a broken chunked body, which Kestrel reports as an IOException subclass).
            logger.ClientAborted(remote);
            if (!cancellationToken.IsCancellationRequested && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
            }

            return;
        }

        var result = store.Add(spans);
        logger.Received(remote, result.Accepted, result.Rejected, result.Duplicates, result.EvictedTraces);
        await WriteSuccessAsync(context, format, result, cancellationToken).ConfigureAwait(false);
    }

    internal static bool TryGetFormat(string? contentType, out OtlpPayloadFormat format)
    {
        format = default;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var mediaType = parsed.MediaType.Value;
        if (string.Equals(mediaType, ProtobufMediaType, StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, "application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            format = OtlpPayloadFormat.Protobuf;
            return true;
        }

        if (string.Equals(mediaType, JsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            format = OtlpPayloadFormat.Json;
            return true;
        }

        return false;
    }

    internal static bool TryGetEncoding(string header, out ContentEncoding encoding)
    {
        switch (header.Trim().ToLowerInvariant())
        {
            case "" or "identity":
                encoding = ContentEncoding.Identity;
                return true;
            case "gzip" or "x-gzip":
                encoding = ContentEncoding.Gzip;
                return true;
            case "deflate":
                encoding = ContentEncoding.Deflate;
                return true;
            default:
                encoding = default;
                return false;
        }
    }

    private static Task WriteSuccessAsync(HttpContext context, OtlpPayloadFormat format, TraceStoreAddResult result, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        var message = result.Rejected > 0 ? $"{result.Rejected} spans refused: their trace already holds the maximum number of spans" : null;
        if (format == OtlpPayloadFormat.Json)
        {
            response.ContentType = JsonMediaType;
            var json = message is null
                ? "{}"
                : $"{{\"partialSuccess\":{{\"rejectedSpans\":\"{result.Rejected}\",\"errorMessage\":{System.Text.Json.JsonSerializer.Serialize(message, OtlpJsonContext.Default.String)}}}}}";
            return response.WriteAsync(json, cancellationToken);
        }

        // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2; } }
        var writer = new ProtobufWriter();
        if (message is not null)
        {
            writer.MessageField(1, partial => partial.VarintField(1, (ulong)result.Rejected).StringField(2, message));
        }

        response.ContentType = ProtobufMediaType;
        response.ContentLength = writer.Length;
        return response.Body.WriteAsync(writer.ToArray(), cancellationToken).AsTask();
    }

    private async Task RejectAsync(HttpContext context, OtlpPayloadFormat format, int statusCode, int rpcCode, string reason)
    {
        logger.RejectedRequest(context.Connection.RemoteIpAddress?.ToString(), statusCode, reason);
        var response = context.Response;
        response.StatusCode = statusCode;
        if (format == OtlpPayloadFormat.Json)
        {
            response.ContentType = JsonMediaType;
            await response.WriteAsync($"{{\"code\":{rpcCode},\"message\":{System.Text.Json.JsonSerializer.Serialize(reason, OtlpJsonContext.Default.String)}}}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // google.rpc.Status { int32 code = 1; string message = 2; }
        var status = new ProtobufWriter().VarintField(1, (ulong)rpcCode).StringField(2, reason).ToArray();
        response.ContentType = ProtobufMediaType;
        response.ContentLength = status.Length;
        await response.Body.WriteAsync(status, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RejectPlainAsync(HttpContext context, int statusCode, string reason)
    {
        logger.RejectedRequest(context.Connection.RemoteIpAddress?.ToString(), statusCode, reason);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason + "\n", context.RequestAborted).ConfigureAwait(false);
    }
}
