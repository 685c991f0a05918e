namespace OrleansDist;

public static class GrainReferenceExtensions
{
    /// <summary>The identity behind a grain reference (or observer reference).</summary>
    public static GrainId GetGrainId(this IAddressable reference) =>
        reference is IGrainReference r ? r.GrainId : throw new ArgumentException("Not a grain reference", nameof(reference));

    public static TGrainInterface AsReference<TGrainInterface>(this IAddressable reference) where TGrainInterface : IAddressable =>
        reference is IGrainReference r ? (TGrainInterface)r.Cast(typeof(TGrainInterface)) : throw new ArgumentException("Not a grain reference", nameof(reference));
}

/// <summary>Implemented by every runtime-created reference.</summary>
public interface IGrainReference : IAddressable
{
    GrainId GrainId { get; }

    Type InterfaceType { get; }

    IAddressable Cast(Type interfaceType);
}
