using Microsoft.Extensions.Logging;

namespace OrleansDist.Dashboard.Hosting;

/// <summary>
/// Sends the embedded web host's logs to the caller's <see cref="ILoggerFactory"/>. Used instead of handing that
/// factory to the host, so the host's own filters (ASP.NET Core at Warning) apply on top of the caller's.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    // The caller owns the factory.
    public void Dispose()
    {
    }
}
