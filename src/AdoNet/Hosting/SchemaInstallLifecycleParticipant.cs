using Orleans.Runtime;

namespace OrleansDist.AdoNet.Hosting;

/// <summary>
/// Installs the schema of every database the silo's ADO.NET providers use at <see cref="ServiceLifecycleStage.First"/>,
/// before membership (stage 8000), grain storage (10000) and reminders (active stage) read their query rows.
/// </summary>
internal sealed class SchemaInstallLifecycleParticipant(SchemaInstallCoordinator coordinator, IEnumerable<SchemaTarget> targets)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaInstallLifecycleParticipant), ServiceLifecycleStage.First, InstallAsync);

    private Task InstallAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(targets.Select(t => t.Connection).Distinct().Select(c => coordinator.EnsureInstalledAsync(c, cancellationToken)));
}
