namespace Dist.GrainInterfaces.Servers;

/// <summary>
/// The actor design of the task server: one grain per client connection (key: the connection's id, unique per front
/// end). The silo's TCP front end parses the lines and hands each task to the connection's grain, which does the work.
/// </summary>
[Alias("OrleansDist.IServerSessionGrain")]
public interface IServerSessionGrain : IGrainWithStringKey
{
    /// <summary>Works on the task for its duration and returns the reply line (the text reversed).</summary>
    [Alias("Run")]
    Task<string> Run(ServerTask task);

    /// <summary>The client said <c>exit</c> or went away: the session ends and the activation goes.</summary>
    [Alias("End")]
    Task End();
}
