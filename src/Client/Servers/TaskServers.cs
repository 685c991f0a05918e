using Microsoft.Extensions.Logging;

namespace OrleansDist.Client.Servers;

/// <summary>Starts a task server of any design in this process.</summary>
internal static class TaskServers
{
    public static async Task<IRunningServer> StartAsync(ServerRunSettings settings, CancellationToken cancellationToken, Action<ILoggingBuilder>? actorLogging = null) =>
        settings.Design switch
        {
            ServerDesign.Serial => new SerialServer(settings),
            ServerDesign.Thread => new ThreadPerConnectionServer(settings),
            ServerDesign.Async => new AsyncServer(settings, TimeProvider.System),
            ServerDesign.Process => await PreforkServer.StartAsync(settings, cancellationToken),
            ServerDesign.Actor => await ActorServer.StartAsync(settings, actorLogging, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Design, "unknown design"),
        };

    /// <summary>The line <c>server run</c> prints once it accepts connections.</summary>
    public static string ReadyLine(IRunningServer server) =>
        $"SERVER READY design={server.Design.ToString().ToLowerInvariant()} port={server.Port}" + (server.Details.Length > 0 ? " " + server.Details : "");
}
