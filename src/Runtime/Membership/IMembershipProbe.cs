using OrleansDist.Runtime.SystemTargets;

namespace OrleansDist.Runtime.Membership;

/// <summary>Liveness probe answered by every silo over the silo transport.</summary>
public interface IMembershipProbe : ISystemTarget
{
    /// <summary>Answers with the responder's silo address; a generation mismatch is reported by the transport as unavailable.</summary>
    Task<string> PingAsync();

    /// <summary>Tells a silo to read the membership table now (sent after a change, so others need not wait for their refresh).</summary>
    [OrleansDist.Concurrency.OneWay]
    void MembershipChanged();
}
