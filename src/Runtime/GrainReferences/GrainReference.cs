using System.Reflection;
using OrleansDist.Runtime.Calls;
using OrleansDist.Runtime.Serialization;

namespace OrleansDist.Runtime.GrainReferences;

/// <summary>
/// Base of the runtime-generated proxies (System.Reflection.DispatchProxy) behind every grain and observer reference.
/// A call turns into a request message; the returned task completes with the response.
/// </summary>
public class GrainReference : DispatchProxy, IGrainReference
{
    private IGrainCallInvoker _invoker = null!;
    private InterfaceMetadata _metadata = null!;

    public GrainId GrainId { get; private set; }

    public Type InterfaceType => _metadata.InterfaceType;

    internal static IAddressable Create(Type interfaceType, GrainId grainId, IGrainCallInvoker invoker)
    {
        var proxy = (GrainReference)(object)DispatchProxy.Create(interfaceType, typeof(GrainReference));
        proxy.GrainId = grainId;
        proxy._invoker = invoker;
        proxy._metadata = InterfaceMetadata.Get(interfaceType);
        return (IAddressable)proxy;
    }

    public IAddressable Cast(Type interfaceType) =>
        interfaceType.IsInstanceOfType(this) ? (IAddressable)this : Create(interfaceType, GrainId, _invoker);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _invoker.Invoke(this, _metadata.GetMethod(targetMethod!), args);

    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId.Equals(GrainId);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => $"GrainReference:{GrainId}";
}
