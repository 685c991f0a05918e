namespace OrleansDist;

public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey;

    TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey;

    TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey;

    /// <summary>Returns a reference to any grain by interface type and identity.</summary>
    IAddressable GetGrain(Type grainInterfaceType, GrainId grainId);

    /// <summary>
    /// Makes a local object callable by grains. Keep a strong reference to <paramref name="observer"/>
    /// for as long as callbacks are wanted, and call <see cref="DeleteObjectReference{TGrainObserverInterface}"/> when done.
    /// </summary>
    TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver observer)
        where TGrainObserverInterface : IGrainObserver;

    void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver observer)
        where TGrainObserverInterface : IGrainObserver;
}
