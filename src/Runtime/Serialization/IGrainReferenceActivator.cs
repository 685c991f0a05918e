namespace OrleansDist.Runtime.Serialization;

/// <summary>Turns an identity read off the wire back into a callable reference bound to the local runtime.</summary>
internal interface IGrainReferenceActivator
{
    IAddressable CreateReference(Type interfaceType, GrainId grainId);
}
