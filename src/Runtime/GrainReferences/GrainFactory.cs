using OrleansDist.Runtime.Calls;

namespace OrleansDist.Runtime.GrainReferences;

/// <summary>The <see cref="IGrainFactory"/> of a silo or client: creates references bound to that process's runtime.</summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker, ObserverRegistry? observers) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        return (TGrainInterface)GrainReference.Create(typeof(TGrainInterface), GrainId.Create(typeof(TGrainInterface).FullName!, primaryKey), invoker);
    }

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey =>
        (TGrainInterface)GrainReference.Create(typeof(TGrainInterface), GrainId.Create(typeof(TGrainInterface).FullName!, primaryKey), invoker);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey =>
        (TGrainInterface)GrainReference.Create(typeof(TGrainInterface), GrainId.Create(typeof(TGrainInterface).FullName!, primaryKey), invoker);

    public IAddressable GetGrain(Type grainInterfaceType, GrainId grainId) => GrainReference.Create(grainInterfaceType, grainId, invoker);

    internal TSystemTarget GetSystemTarget<TSystemTarget>(Membership.SiloAddress silo) where TSystemTarget : SystemTargets.ISystemTarget =>
        (TSystemTarget)GrainReference.Create(typeof(TSystemTarget), new GrainId(SystemTargets.SystemTargetIds.TypeName(typeof(TSystemTarget)), silo.ToString()), invoker);

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver observer) where TGrainObserverInterface : IGrainObserver
    {
        if (observers is null)
        {
            throw new NotSupportedException("Observers are created by cluster clients; inside a silo, pass grain references instead.");
        }

        if (observer is not TGrainObserverInterface)
        {
            throw new ArgumentException($"{observer.GetType().Name} does not implement {typeof(TGrainObserverInterface).Name}", nameof(observer));
        }

        var id = observers.Register(observer);
        return (TGrainObserverInterface)GrainReference.Create(typeof(TGrainObserverInterface), id, invoker);
    }

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver observer) where TGrainObserverInterface : IGrainObserver =>
        observers?.Unregister(observer);
}
