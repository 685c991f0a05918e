using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace OrleansDist.Dashboard.Web;

/// <summary>
/// The page's files, read once from the assembly's embedded resources (Web/assets): nothing to deploy beside the
/// DLL, and nothing fetched from the internet. Every response says nosniff, and the HTML a strict CSP: span names and
/// attributes come from anyone who can post OTLP, so the page only ever inserts them as text.
/// </summary>
internal sealed class DashboardWebAssets
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly FrozenDictionary<string, Asset> _assets;

    public DashboardWebAssets()
    {
        var assembly = typeof(DashboardWebAssets).Assembly;
        const string prefix = "OrleansDist.Dashboard.Web.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            assets[name] = new Asset(bytes, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _assets.Keys;

    /// <summary>The single page: the list at <c>/</c> and a trace at <c>/trace/{id}</c> are both drawn by app.js.</summary>
    public Task ServePageAsync(HttpContext context) => ServeAsync(context, "index.html");

    /// <summary><c>/assets/{name}</c>.</summary>
    public Task ServeAssetAsync(HttpContext context) => ServeAsync(context, context.Request.RouteValues["name"] as string ?? "");

    private async Task ServeAsync(HttpContext context, string name)
    {
        var response = context.Response;
        if (!_assets.TryGetValue(name, out var asset))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers["Referrer-Policy"] = "no-referrer";
        }

        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
