using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansDist.Dashboard.Api;
using OrleansDist.Dashboard.Otlp;
using OrleansDist.Dashboard.Web;

namespace OrleansDist.Dashboard.Hosting;

/// <summary>Maps the dashboard's endpoints; the services come from <see cref="TraceDashboardServiceCollectionExtensions.AddTraceDashboard"/>.</summary>
public static class TraceDashboardEndpointRouteBuilderExtensions
{
    /// <summary>OTLP/HTTP's standard path for traces.</summary>
    public const string OtlpTracesPath = "/v1/traces";

    /// <summary>
    /// Maps <c>POST /v1/traces</c> (OTLP/HTTP), <c>GET /api/traces</c>, <c>GET /api/traces/{id}</c>, <c>DELETE /api/traces</c>,
    /// the page (<c>/</c>, <c>/trace/{id}</c>, <c>/assets/{name}</c>) and <c>GET /healthz</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapTraceDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var receiver = endpoints.ServiceProvider.GetRequiredService<OtlpTraceReceiver>();
        var assets = endpoints.ServiceProvider.GetRequiredService<DashboardWebAssets>();

        // Plain RequestDelegates: no reflection-built parameter binding, and the handlers own their status codes.
        endpoints.MapPost(OtlpTracesPath, receiver.HandleAsync);
        endpoints.MapGet("/api/traces", TraceApiEndpoints.ListAsync);
        endpoints.MapGet("/api/traces/{id}", TraceApiEndpoints.GetAsync);
        endpoints.MapDelete("/api/traces", TraceApiEndpoints.ClearAsync);
        endpoints.MapGet("/", assets.ServePageAsync);
        endpoints.MapGet("/trace/{id}", assets.ServePageAsync);
        endpoints.MapGet("/assets/{name}", assets.ServeAssetAsync);
        endpoints.MapGet("/healthz", context => context.Response.WriteAsync("ok\n", context.RequestAborted));
        return endpoints;
    }
}
