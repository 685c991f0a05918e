using Microsoft.Extensions.Logging;

namespace OrleansDist.Runtime.Membership;

internal static partial class MembershipLog
{
    [LoggerMessage(2000, LogLevel.Information, "Silo {Silo} ({Name}) is {Status} in cluster {ClusterId}")]
    public static partial void StatusChanged(ILogger logger, SiloAddress silo, string name, SiloStatus status, string clusterId);

    [LoggerMessage(2001, LogLevel.Warning, "Membership table unreachable ({Operation}); retrying in {Delay} ms: {Reason}")]
    public static partial void TableUnreachable(ILogger logger, string operation, int delay, string reason);

    [LoggerMessage(2002, LogLevel.Warning, "Probe of {Silo} failed ({Missed} in a row): {Reason}")]
    public static partial void ProbeFailed(ILogger logger, SiloAddress silo, int missed, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Voting {Silo} suspect ({Votes} of {Needed} votes)")]
    public static partial void VotedSuspect(ILogger logger, SiloAddress silo, int votes, int needed);

    [LoggerMessage(2004, LogLevel.Warning, "Declared {Silo} dead: {Reason}")]
    public static partial void DeclaredDead(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(2005, LogLevel.Critical, "The membership table says this silo ({Silo}) is dead; stopping it")]
    public static partial void SelfDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(2006, LogLevel.Information, "Cluster view v{Version}: {Active} active silo(s): {Silos}")]
    public static partial void ViewChanged(ILogger logger, long version, int active, string silos);

    [LoggerMessage(2007, LogLevel.Information, "Deleted dead membership rows older than {Before}")]
    public static partial void CleanedDefunct(ILogger logger, DateTimeOffset before);

    [LoggerMessage(2009, LogLevel.Warning, "Going Active although these silos marked Active could not be reached (they will be probed and, if gone, declared dead): {Silos}")]
    public static partial void JoiningDespiteUnreachable(ILogger logger, string silos);

    [LoggerMessage(2008, LogLevel.Warning, "Membership table reachable again after {Failures} failed attempt(s)")]
    public static partial void TableRecovered(ILogger logger, int failures);
}
