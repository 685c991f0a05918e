using System.Net;
using Dist.GrainInterfaces.Servers;

namespace OrleansDist.Grains.Servers;

/// <summary>Where the actor design's TCP front end listens in each silo, and the tasks it hands to the session grains.</summary>
public sealed record ActorFrontEndOptions
{
    public required IPEndPoint Endpoint { get; init; }

    public required TimeSpan TaskDuration { get; init; }

    public required ServerWorkKind Work { get; init; }

    public int MaxLineBytes { get; init; } = LineFramer.DefaultMaxLineBytes;

    public int Backlog { get; init; } = ServerSocket.DefaultBacklog;

    /// <summary>Listening sockets per silo (<see cref="ServerSocket.ListenShared"/>).</summary>
    public int Listeners { get; init; } = 1;

    /// <summary>
    /// Whether a session grain whose connection ended serves the next connection (true), or is deactivated and every
    /// connection gets a new activation (false). A new activation costs tens of microseconds of CPU: at 10,000 clients
    /// connecting at once that is half a second before the last task starts.
    /// </summary>
    public bool ReuseSessions { get; init; } = true;
}
