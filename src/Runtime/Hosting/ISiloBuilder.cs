using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansDist.Runtime.Hosting;

/// <summary>Configures one silo; extension methods named <c>Use...</c>/<c>Add...</c> hang off it.</summary>
public interface ISiloBuilder
{
    IServiceCollection Services { get; }

    IConfiguration Configuration { get; }
}

/// <summary>Configures a cluster client.</summary>
public interface IClientBuilder
{
    IServiceCollection Services { get; }

    IConfiguration Configuration { get; }
}
