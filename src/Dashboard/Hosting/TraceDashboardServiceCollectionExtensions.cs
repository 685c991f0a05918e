using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansDist.Dashboard.Otlp;
using OrleansDist.Dashboard.Storage;
using OrleansDist.Dashboard.Web;

namespace OrleansDist.Dashboard.Hosting;

/// <summary>Registers the dashboard's services in any ASP.NET Core host; pair with <see cref="TraceDashboardEndpointRouteBuilderExtensions.MapTraceDashboard"/>.</summary>
public static class TraceDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the trace store, the OTLP receiver and the page. Options are validated when first resolved (and at start-up
    /// with ValidateOnStart), with every problem listed in the exception.
    /// </summary>
    public static IServiceCollection AddTraceDashboard(this IServiceCollection services, Action<TraceDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TraceDashboardOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TraceDashboardOptions>, TraceDashboardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TraceStore(sp.GetRequiredService<IOptions<TraceDashboardOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<OtlpTraceReceiver>();
        services.TryAddSingleton<DashboardWebAssets>();
        return services;
    }
}
