using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Directory;

/// <summary>Where one activation of a grain lives.</summary>
public sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, long ActivationId)
{
    public override string ToString() => $"{GrainId}@{Silo}#{ActivationId}";
}
