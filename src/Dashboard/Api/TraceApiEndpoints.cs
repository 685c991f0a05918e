using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansDist.Dashboard.Storage;

namespace OrleansDist.Dashboard.Api;

/// <summary>
/// The JSON API: <c>GET /api/traces[?limit=N]</c> (summaries, newest first), <c>GET /api/traces/{id}</c> (one trace with
/// its spans) and <c>DELETE /api/traces</c> (forget everything). GETs carry an ETag so the page's polling costs a 304
/// when nothing changed.
/// </summary>
internal static class TraceApiEndpoints
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static async Task ListAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<TraceStore>();
        int? limit = null;
        if (context.Request.Query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "limit must be a positive integer").ConfigureAwait(false);
                return;
            }

            limit = parsed;
        }

        // The version is read before the list: a change in between makes the next poll fetch again, never miss one.
        var etag = $"\"v{store.Version}-{limit}\"";
        if (NotModified(context, etag))
        {
            return;
        }

        var traces = store.GetTraces(limit);
        await WriteJsonAsync(context, etag, writer =>
        {
            writer.WriteStartArray();
            foreach (var summary in traces)
            {
                TraceJsonWriter.WriteSummary(writer, summary);
            }

            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<TraceStore>();
        var id = context.Request.RouteValues["id"] as string ?? "";
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigit))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "a trace id is 32 hex digits").ConfigureAwait(false);
            return;
        }

        if (!store.TryGetTrace(id, out var trace))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, $"trace {id.ToLowerInvariant()} is not held (never received, or evicted)").ConfigureAwait(false);
            return;
        }

        var etag = $"\"t{trace.Summary.Version}\"";
        if (NotModified(context, etag))
        {
            return;
        }

        await WriteJsonAsync(context, etag, writer => TraceJsonWriter.WriteTrace(writer, trace)).ConfigureAwait(false);
    }

    public static Task ClearAsync(HttpContext context)
    {
        context.RequestServices.GetRequiredService<TraceStore>().Clear();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static bool NotModified(HttpContext context, string etag)
    {
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            context.Response.Headers.ETag = etag;
            return true;
        }

        return false;
    }

    private static async Task WriteJsonAsync(HttpContext context, string? etag, Action<Utf8JsonWriter> write)
    {
        var response = context.Response;
        response.ContentType = JsonContentType;
        response.Headers.CacheControl = "no-cache";
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }

        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        write(writer);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return WriteJsonAsync(context, etag: null, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        });
    }
}
