using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime.Membership;
using OrleansDist.AdoNet.Hosting;

namespace OrleansDist.AdoNet;

/// <summary>
/// Orleans' own ADO.NET clustering, grain storage and reminders on SQLite or PostgreSQL, with the schema (tables and
/// <c>OrleansQuery</c> rows) installed automatically before the providers read it. Installation waits for an
/// unreachable database up to <see cref="AdoNetSchemaOptions.MaxWait"/>.
/// </summary>
public static class AdoNetHostingExtensions
{
    /// <summary>Membership in <paramref name="connection"/> (Orleans' <c>UseAdoNetClustering</c>).</summary>
    public static ISiloBuilder UseOrleansDistClustering(this ISiloBuilder builder, AdoNetConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        AddSiloSchemaInstall(builder.Services, connection);
        return builder.UseAdoNetClustering((AdoNetClusteringSiloOptions o) =>
        {
            o.Invariant = connection.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
    }

    /// <summary>Grain storage <paramref name="name"/> in <paramref name="connection"/> (Orleans' <c>AddAdoNetGrainStorage</c>).</summary>
    public static ISiloBuilder AddOrleansDistGrainStorage(this ISiloBuilder builder, string name, AdoNetConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(connection);
        AddSiloSchemaInstall(builder.Services, connection);
        return builder.AddAdoNetGrainStorage(name, (AdoNetGrainStorageOptions o) =>
        {
            o.Invariant = connection.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
    }

    /// <summary>Reminders in <paramref name="connection"/> (Orleans' <c>UseAdoNetReminderService</c>).</summary>
    public static ISiloBuilder UseOrleansDistReminders(this ISiloBuilder builder, AdoNetConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        AddSiloSchemaInstall(builder.Services, connection);
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions o) =>
        {
            o.Invariant = connection.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
    }

    /// <summary>
    /// The client's gateway list from the membership table in <paramref name="connection"/> (Orleans'
    /// <c>UseAdoNetClustering</c>); the schema is installed first, so a client started before any silo fails with
    /// Orleans' "could not find any gateway" rather than a missing table.
    /// </summary>
    public static IClientBuilder UseOrleansDistClustering(this IClientBuilder builder, AdoNetConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        AddCoordinator(builder.Services);
        builder.UseAdoNetClustering((AdoNetClusteringClientOptions o) =>
        {
            o.Invariant = connection.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IGatewayListProvider>(services => new SchemaInstallingGatewayListProvider(
            connection,
            services.GetRequiredService<SchemaInstallCoordinator>(),
            ActivatorUtilities.CreateInstance<AdoNetGatewayListProvider>(services))));
        return builder;
    }

    private static void AddSiloSchemaInstall(IServiceCollection services, AdoNetConnection connection)
    {
        AddCoordinator(services);
        services.AddSingleton(new SchemaTarget(connection));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallLifecycleParticipant>());
    }

    private static void AddCoordinator(IServiceCollection services)
    {
        services.AddOptions<AdoNetSchemaOptions>();
        services.TryAddSingleton<SchemaInstallCoordinator>();
    }
}
