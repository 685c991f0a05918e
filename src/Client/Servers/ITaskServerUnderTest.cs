using System.Net;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The server a run of <c>experiment servers</c> times: a child process the experiment started
/// (<see cref="ServerProcess"/>), or one already running somewhere else (<see cref="RemoteTaskServer"/>, <c>--target</c>).
/// </summary>
internal interface ITaskServerUnderTest : IAsyncDisposable
{
    /// <summary>Where the clients connect.</summary>
    IPEndPoint Endpoint { get; }

    /// <summary>One line saying what runs there, for the experiment's log.</summary>
    string Description { get; }

    bool HasExited { get; }

    /// <summary>Why the server is gone, with its last output; empty while it runs.</summary>
    string ExitDescription { get; }

    /// <summary>Its last output lines (": a | b"), empty when none or not seen from here.</summary>
    string LastOutput { get; }

    void ClearOutput();

    /// <summary>What its processes used so far; null when they are not on this machine.</summary>
    ProcessTreeStats? Stats();

    Task KillAsync(string because);
}
