using OrleansDist.Runtime.GrainReferences;
using OrleansDist.Runtime.Serialization;

namespace OrleansDist.Runtime.Calls;

/// <summary>Sends the calls made on grain references: the silo runtime or the cluster client.</summary>
internal interface IGrainCallInvoker
{
    object? Invoke(GrainReference reference, MethodDescriptor method, object?[]? arguments);
}
