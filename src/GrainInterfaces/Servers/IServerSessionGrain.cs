namespace Dist.GrainInterfaces.Servers;

/// <summary>
/// The actor design of the task server: each client connection is served by one session grain (key: unique per front
/// end), which the front end keeps for the next connection once this one ends. The silo's TCP front end parses the
/// lines and hands each task to the connection's grain, which does the work.
/// </summary>
[Alias("OrleansDist.IServerSessionGrain")]
public interface IServerSessionGrain : IGrainWithStringKey
{
    /// <summary>Works on the task for its duration and returns the reply line (the text reversed).</summary>
    [Alias("Run")]
    Task<string> Run(ServerTask task);

    /// <summary>The session is not wanted again (the front end does not pool sessions, or a call to it failed): the activation goes.</summary>
    [Alias("End")]
    Task End();
}
