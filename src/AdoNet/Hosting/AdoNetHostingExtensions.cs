using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansDist.AdoNet.Membership;
using OrleansDist.AdoNet.Persistence;
using OrleansDist.Persistence;
using OrleansDist.Runtime.Membership;

// Same namespace as ISiloBuilder/IClientBuilder, so these show up wherever the builders are used.
namespace OrleansDist.Runtime.Hosting;

/// <summary>Registers the SQLite and PostgreSQL membership tables and grain storages.</summary>
public static class AdoNetHostingExtensions
{
    /// <summary>Membership in a SQLite file shared by the silo processes of one machine; ClusterId from <see cref="ClusterOptions"/>.</summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AddSqliteMembership(builder.Services, path);
        return builder;
    }

    /// <summary>Membership in PostgreSQL (Npgsql connection string); ClusterId from <see cref="ClusterOptions"/>.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        AddPostgresMembership(builder.Services, connectionString);
        return builder;
    }

    /// <summary>A grain storage named <paramref name="name"/> in a SQLite file; states keyed by <see cref="ClusterOptions.ServiceId"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new SqliteGrainStorage(path, GetClusterOptions(sp).ServiceId, CreateLogger<SqliteGrainStorage>(sp)));
        return builder;
    }

    /// <summary>A grain storage named <paramref name="name"/> in PostgreSQL; states keyed by <see cref="ClusterOptions.ServiceId"/>.</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new PostgresGrainStorage(connectionString, GetClusterOptions(sp).ServiceId, CreateLogger<PostgresGrainStorage>(sp)));
        return builder;
    }

    /// <summary>A client that finds its gateways (Active silos with a proxy port) in a SQLite membership file.</summary>
    public static IClientBuilder UseSqliteClustering(this IClientBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AddSqliteMembership(builder.Services, path);
        AddGatewayListProvider(builder.Services);
        return builder;
    }

    /// <summary>A client that finds its gateways (Active silos with a proxy port) in a PostgreSQL membership table.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        AddPostgresMembership(builder.Services, connectionString);
        AddGatewayListProvider(builder.Services);
        return builder;
    }

    private static void AddSqliteMembership(IServiceCollection services, string path) =>
        services.AddSingleton<IMembershipTable>(sp => new SqliteMembershipTable(path, GetClusterOptions(sp).ClusterId, CreateLogger<SqliteMembershipTable>(sp)));

    private static void AddPostgresMembership(IServiceCollection services, string connectionString) =>
        services.AddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(connectionString, GetClusterOptions(sp).ClusterId, CreateLogger<PostgresMembershipTable>(sp)));

    private static void AddGatewayListProvider(IServiceCollection services) =>
        services.AddSingleton<IGatewayListProvider>(sp => new MembershipTableGatewayListProvider(sp.GetRequiredService<IMembershipTable>()));

    private static ClusterOptions GetClusterOptions(IServiceProvider services) =>
        services.GetService<IOptions<ClusterOptions>>()?.Value ?? new ClusterOptions();

    private static ILogger CreateLogger<T>(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
