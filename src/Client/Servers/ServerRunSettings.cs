using System.Net;
using Dist.GrainInterfaces.Servers;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>How <c>server run</c> serves: the design, where it listens and what a task costs.</summary>
internal sealed record ServerRunSettings
{
    public const int DefaultWorkers = 100;
    public const int DefaultSilos = 2;

    public required ServerDesign Design { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0: a free port, printed in the ready line.</summary>
    public int Port { get; init; }

    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromSeconds(3);

    public ServerWorkKind Work { get; init; } = ServerWorkKind.Io;

    public int MaxLineBytes { get; init; } = LineFramer.DefaultMaxLineBytes;

    public int Backlog { get; init; } = ServerSocket.DefaultBacklog;

    public const int DefaultListeners = ServerSocket.DefaultListeners;

    /// <summary>Listening sockets on the port (SO_REUSEPORT) of the thread and async designs, and of each silo of the actor design.</summary>
    public int Listeners { get; init; } = DefaultListeners;

    /// <summary>Worker processes of the process design.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>Silos of the actor design's embedded cluster.</summary>
    public int Silos { get; init; } = DefaultSilos;

    /// <summary>The actor design's front ends keep session grains for the next connection (<see cref="ActorFrontEndOptions.ReuseSessions"/>).</summary>
    public bool ReuseSessions { get; init; } = true;

    public string DesignName => Design.ToString().ToLowerInvariant();
}
