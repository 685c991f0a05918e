using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansDist.AdoNet.Hosting;

/// <summary>
/// Installs each database's schema once per silo or client, however many providers (clustering, storage, reminders)
/// share it. A failed or cancelled installation is forgotten so that a later start tries again.
/// </summary>
internal sealed class SchemaInstallCoordinator(IOptions<AdoNetSchemaOptions> options, ILoggerFactory loggerFactory)
{
    private readonly Dictionary<AdoNetConnection, Task> _installs = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger(typeof(OrleansSchemaInstaller));

    public Task EnsureInstalledAsync(AdoNetConnection connection, CancellationToken cancellationToken)
    {
        Task install;
        lock (_lock)
        {
            if (!_installs.TryGetValue(connection, out install!) || install.IsFaulted || install.IsCanceled)
            {
                install = OrleansSchemaInstaller.InstallAsync(connection, _logger, options.Value.MaxWait, cancellationToken);
                _installs[connection] = install;
            }
        }

        return install.WaitAsync(cancellationToken);
    }
}
